import ConocelesCore
@testable import ConocelesWeb
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// `PageCacheResponder`: a cache hit of a public page is answered in front of the router and
/// its middleware, with the headers and body the whole chain sent the first time.
@Suite("Page cache in front of the router")
struct PageCacheResponderTests {
    func withServer(
        _ cache: PageCache, _ candidacies: [Candidacy],
        _ body: @Sendable @escaping (Browser, Database, ElectionProcess) async throws -> Void
    ) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            var context = testContext(db, process)
            context.pageCache = cache
            let app = Application(responder: WebApplication.buildServerResponder(context: context))
            try await app.test(.router) { client in try await body(Browser(client), db, process) }
        }
    }

    @Test func aHitIsTheWholeChainsAnswerWithoutRunningIt() async throws {
        let cache = PageCache(checkInterval: .seconds(3_600))
        try await withServer(cache, [WebFixtures.candidacy("C-FRONT", party: "PAN", name: "Aurelia Núñez Quintero")]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let first = try await browser.get("/perfil/C-FRONT")  // checks the version, renders, keeps the page
            #expect(first.status == .ok && first.text.contains("Aurelia Núñez Quintero"))
            #expect(first.headers[PageCacheResponder<RouterResponder<WebRequestContext>>.storeMarker] == nil)  // never sent
            let stored = cache.statistics
            #expect(stored.pages == 1)
            let hitsBefore = stored.hits
            let second = try await browser.get("/perfil/C-FRONT?r=junk-1")
            #expect(cache.statistics.hits == hitsBefore + 1)
            #expect(second.status == .ok && second.text == first.text)
            // The headers the middleware chain set the first time, sent again as they were.
            for name in [HTTPField.Name.contentSecurityPolicy, .xContentTypeOptions, .eTag, .lastModified, .cacheControl, .vary, .contentType] {
                #expect(second.headers[name] == first.headers[name], "\(name)")
                #expect(second.headers[name] != nil, "\(name)")
            }
            #expect(second.headers[.setCookie] == nil)
            // Every answer has its own request id (the proxy's when it sends a sane one).
            let firstID = try #require(first.headers[RequestLogMiddleware.header])
            let secondID = try #require(second.headers[RequestLogMiddleware.header])
            #expect(firstID != secondID && secondID.count == 32)
            let proxied = try await browser.send("/perfil/C-FRONT", method: .get, headers: [RequestLogMiddleware.header: "lb-77"], body: nil)
            #expect(proxied.headers[RequestLogMiddleware.header] == "lb-77")
            // A conditional request and a HEAD, from the front too.
            let etag = try #require(first.headers[.eTag])
            let hits = cache.statistics.hits
            let revalidated = try await browser.send("/perfil/C-FRONT?utm_source=x", method: .get, headers: [.ifNoneMatch: etag], body: nil)
            #expect(revalidated.status == .notModified && revalidated.body.readableBytes == 0)
            #expect(revalidated.headers[.eTag] == etag)
            let head = try await browser.send("/perfil/C-FRONT", method: .head, headers: [:], body: nil)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == String(first.body.readableBytes))
            #expect(cache.statistics.hits == hits + 2)
            // %00 is still refused, not served from the cache.
            #expect(try await browser.get("/perfil/C-FRONT?r=%00").status == .badRequest)
            #expect(cache.statistics.pages == 1)
        }
    }

    @Test func gzipClientsGetThePageCompressedOnceAndKept() async throws {
        let cache = PageCache(checkInterval: .seconds(3_600))
        try await withServer(cache, [WebFixtures.candidacy("C-GZIP", party: "PAN", name: "Aurelia Núñez Quintero")]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let plain = try await browser.get("/perfil/C-GZIP")
            let gzip: HTTPFields = [.acceptEncoding: "gzip, deflate"]
            let first = try await browser.send("/perfil/C-GZIP", method: .get, headers: gzip, body: nil)
            #expect(first.headers[.contentEncoding] == "gzip")
            #expect(cache.statistics.pages == 2)  // one page per representation
            let hits = cache.statistics.hits
            let second = try await browser.send("/perfil/C-GZIP?r=2", method: .get, headers: gzip, body: nil)
            #expect(cache.statistics.hits == hits + 1)
            #expect(second.headers[.contentEncoding] == "gzip" && second.headers[.eTag]?.hasPrefix("W/") == true)
            #expect(second.body == first.body)
            var compressed = second.body
            let inflated = try compressed.decompress(with: .gzip)
            #expect(String(buffer: inflated) == plain.text)
            // The weak tag revalidates the compressed copy.
            let revalidated = try await browser.send(
                "/perfil/C-GZIP", method: .get,
                headers: [.acceptEncoding: "gzip", .ifNoneMatch: try #require(second.headers[.eTag])], body: nil)
            #expect(revalidated.status == .notModified)
        }
    }

    @Test func signedInBrowsersAndPagesWithTheVisitorsTokenGoThroughTheRouter() async throws {
        let cache = PageCache(checkInterval: .seconds(3_600))
        try await withServer(cache, [WebFixtures.candidacy("C-SIGNED", party: "PAN")]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let anonymous = Browser(browser.client)
            _ = try await anonymous.get("/candidaturas-publicas")
            #expect(cache.statistics.pages == 1)
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await browser.signIn("ana.staff")
            let hits = cache.statistics.hits
            let signedIn = try await browser.get("/candidaturas-publicas")
            #expect(signedIn.text.contains("Salir"))  // their own page, not the anonymous copy
            #expect(cache.statistics.hits == hits)
            #expect(cache.statistics.pages == 1)
            #expect(!(try await anonymous.get("/candidaturas-publicas").text.contains("Salir")))
        }
    }

    @Test func aNewVersionIsNotServedFromTheFrontUntilItIsChecked() async throws {
        let cache = PageCache(checkInterval: .zero)  // every request asks the database
        let candidacy = WebFixtures.candidacy("C-VER", party: "PAN", name: "Aurelia Núñez Quintero")
        try await withServer(cache, [candidacy]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            #expect(try await browser.get("/perfil/C-VER").text.contains(PublishedProfile.noInformationMark))
            try await PublicationTests.publish(db, candidacy.id)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            let changed = try await browser.get("/perfil/C-VER").text
            #expect(changed.contains("maestra rural") && !changed.contains(PublishedProfile.noInformationMark))
        }
    }

    @Test func theMetricsCountTheCachesHitsAndPages() {
        let cache = PageCache(checkInterval: .seconds(3_600))
        cache.switchTo(1)
        let key = PageCache.Key(version: 1, target: "/perfil/X", gzip: false, front: true)
        cache.store(.init(headers: [:], body: ByteBuffer(string: "página")), for: key)
        _ = cache.page(key)
        _ = cache.page(key)
        _ = cache.page(.init(version: 1, target: "/perfil/Y", gzip: false, front: true))
        let text = MetricsController.pageCacheFigures(cache)
        #expect(text.contains("conoceles_page_cache_hits_total 2\n"))
        #expect(text.contains("conoceles_page_cache_misses_total 1\n"))
        #expect(text.contains("conoceles_page_cache_pages 1\n"))
        #expect(MetricsController.pageCacheFigures(nil).isEmpty)
    }
}
