import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// `PageCacheMiddleware`: anonymous public pages served from memory per snapshot version,
/// replaced when the version changes, never for a signed-in person.
@Suite("Page cache of the public pages")
struct PageCacheTests {
    func withCachedSite(
        _ cache: PageCache, _ candidacies: [Candidacy],
        _ body: @Sendable @escaping (Browser, Database, ElectionProcess) async throws -> Void
    ) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            var context = testContext(db, process)
            context.pageCache = cache
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in try await body(Browser(client), db, process) }
        }
    }

    @Test func aPageIsServedFromTheCacheUntilTheSnapshotChanges() async throws {
        // A long check interval: only a switch (what the NOTIFY listener does) renews the pages.
        let cache = PageCache(checkInterval: .seconds(3_600))
        let candidacy = WebFixtures.candidacy("C-CACHE", party: "PAN", name: "Aurelia Núñez Quintero")
        try await withCachedSite(cache, [candidacy]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let first = try await browser.get("/perfil/C-CACHE")
            #expect(first.text.contains(PublishedProfile.noInformationMark))
            let again = try await browser.get("/perfil/C-CACHE")
            #expect(again.text == first.text)
            #expect(again.headers[.setCookie] == nil)  // a page without a form sets no CSRF cookie
            #expect(cache.statistics.hits >= 1)

            try await PublicationTests.publish(db, candidacy.id)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            // Still the cached page: the cache has not heard of the new version.
            #expect(try await browser.get("/perfil/C-CACHE").text.contains(PublishedProfile.noInformationMark))
            let version = try #require(
                try await PublicationRepository(client: db.client, logger: TestDatabase.logger)
                    .current(processID: process.id)
            ).version
            cache.switchTo(version)
            let changed = try await browser.get("/perfil/C-CACHE").text
            #expect(changed.contains("maestra rural"))
            #expect(!changed.contains(PublishedProfile.noInformationMark))
        }
    }

    @Test func withoutNotificationsTheVersionIsCheckedAgainAfterTheInterval() async throws {
        let cache = PageCache(checkInterval: .zero)
        let candidacy = WebFixtures.candidacy("C-CHECK", party: "PAN", name: "Aurelia Núñez Quintero")
        try await withCachedSite(cache, [candidacy]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            #expect(try await browser.get("/candidaturas-publicas?nombre=aurelia").text.contains(PublishedProfile.noInformationMark))
            try await PublicationTests.publish(db, candidacy.id)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            #expect(!(try await browser.get("/candidaturas-publicas?nombre=aurelia").text.contains(PublishedProfile.noInformationMark)))
        }
    }

    @Test func signedInPeopleAndOtherPagesAreNeverCached() async throws {
        let cache = PageCache(checkInterval: .seconds(3_600))
        try await withCachedSite(cache, [WebFixtures.candidacy("C-X", party: "PAN")]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await browser.signIn("ana.staff")
            let signedIn = try await browser.get("/candidaturas-publicas")
            #expect(signedIn.text.contains("Salir"))
            #expect(cache.statistics.pages == 0)
            _ = try await browser.get("/instancia/verificacion")
            #expect(cache.statistics.pages == 0)
            // The anonymous page kept afterwards has no one's menu or token.
            let anonymous = Browser(browser.client)
            let page = try await anonymous.get("/candidaturas-publicas").text
            #expect(!page.contains("Salir"))
            #expect(cache.statistics.pages == 1)
            #expect(!(try await anonymous.get("/candidaturas-publicas").text.contains("ana.staff")))
        }
    }

    @Test func aPageThatReadsTheVisitorsCSRFTokenIsNeverCached() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let cache = PageCache(checkInterval: .seconds(3_600))
            cache.switchTo(1)
            let context = testContext(db, process)
            let router = Router(context: WebRequestContext.self)
            router.add(middleware: CSRFMiddleware(secureCookies: false, process: process))
            router.add(middleware: PageCacheMiddleware(context: context, cache: cache))
            // "/" stands for a cached public path with a form; "/perfil/…" for one without.
            router.get("/") { _, ctx in "<form><input name=\"csrf\" value=\"\(ctx.csrf)\"></form>" }
            router.get("/perfil/sin-formulario") { _, _ in "sin formulario" }
            try await Application(router: router).test(.router) { client in
                let first = try await Browser(client).get("/"), second = try await Browser(client).get("/")
                #expect(first.headers[.setCookie]?.hasPrefix("conoceles_csrf=") == true)
                #expect(second.headers[.setCookie]?.hasPrefix("conoceles_csrf=") == true)
                #expect(first.text != second.text)  // each visitor's own token, not a cached copy
                _ = try await Browser(client).get("/perfil/sin-formulario")
                let again = try await Browser(client).get("/perfil/sin-formulario")
                #expect(again.headers[.setCookie] == nil)
                #expect(cache.statistics.hits == 1)
            }
        }
    }

    @Test func theCacheEvictsTheLeastRecentlyUsedPagesPastItsSize() {
        let cache = PageCache(maximumBytes: 40_000, checkInterval: .seconds(3_600))
        cache.switchTo(1)
        let page = PageCache.Page(headers: [:], body: .init(string: String(repeating: "x", count: 3_000)))
        for index in 0..<20 {
            cache.store(page, for: .init(version: 1, target: "/perfil/\(index)", gzip: false))
            _ = cache.page(.init(version: 1, target: "/perfil/0", gzip: false))  // keeps the first one in use
        }
        #expect(cache.statistics.bytes <= 40_000)
        #expect(cache.page(.init(version: 1, target: "/perfil/0", gzip: false)) != nil)
        #expect(cache.page(.init(version: 1, target: "/perfil/1", gzip: false)) == nil)
        #expect(cache.page(.init(version: 1, target: "/perfil/19", gzip: false)) != nil)
        cache.switchTo(2)
        #expect(cache.statistics.pages == 0)
        #expect(cache.page(.init(version: 1, target: "/perfil/19", gzip: false)) == nil)
    }

    // MARK: Junk cannot step around the cache

    @Test func unknownParametersConditionalRequestsAndHeadAreServedFromTheCache() async throws {
        let cache = PageCache(checkInterval: .seconds(3_600))
        try await withCachedSite(cache, [WebFixtures.candidacy("C-JUNK", party: "PAN", name: "Aurelia Núñez Quintero")]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let first = try await browser.get("/perfil/C-JUNK")
            #expect(first.status == .ok)
            let etag = try #require(first.headers[.eTag])
            let modified = try #require(first.headers[.lastModified])
            let stored = cache.statistics.pages
            // Unknown parameters: the same cached page, nothing new stored.
            for junk in ["?r=1", "?r=2&utm_source=x", "?", "?nombre=aurelia"] {
                let response = try await browser.get("/perfil/C-JUNK\(junk)")
                #expect(response.status == .ok && response.text == first.text, "\(junk)")
            }
            #expect(cache.statistics.pages == stored)
            let hits = cache.statistics.hits
            // A conditional request: 304 from the cache, no handler.
            for header in [(HTTPField.Name.ifNoneMatch, etag), (.ifNoneMatch, "W/\(etag)"), (.ifModifiedSince, modified)] {
                let response = try await browser.send("/perfil/C-JUNK?r=9", method: .get, headers: [header.0: header.1], body: nil)
                #expect(response.status == .notModified, "\(header.0)")
            }
            let stale = try await browser.send("/perfil/C-JUNK", method: .get, headers: [.ifNoneMatch: "\"v0-otra\""], body: nil)
            #expect(stale.status == .ok && stale.text == first.text)
            // HEAD: the headers, no body.
            let head = try await browser.send("/perfil/C-JUNK?x=1", method: .head, headers: [:], body: nil)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(cache.statistics.hits >= hits + 5)
            // Parameters a page reads still make different pages.
            let search = try await browser.get("/candidaturas-publicas?nombre=aurelia&r=1").text
            let other = try await browser.get("/candidaturas-publicas?nombre=zzz&r=1").text
            #expect(search.contains("Aurelia Núñez") && !other.contains("Aurelia Núñez"))
            #expect(try await browser.get("/candidaturas-publicas?nombre=aurelia&r=2").text == search)
        }
    }

    @Test func canonicalTargetsKeepOnlyTheParametersTheRouteReads() {
        #expect(PageCacheMiddleware.canonicalTarget(path: "/perfil/X", query: "r=1") == "/perfil/X")
        #expect(PageCacheMiddleware.canonicalTarget(path: "/comparar", query: "id=A&r=1&id=B") == "/comparar?id=A&id=B")
        #expect(
            PageCacheMiddleware.canonicalTarget(path: "/candidaturas-publicas", query: "utm=1&nombre=ana&pagina=2")
                == "/candidaturas-publicas?nombre=ana&pagina=2")
        #expect(PageCacheMiddleware.canonicalTarget(path: "/mi-boleta", query: "municipio=039&distrito=1&x=y") == "/mi-boleta?municipio=039&distrito=1")
        // A name the router would decode to a known one keeps its place; junk does not.
        #expect(
            PageCacheMiddleware.canonicalTarget(path: "/candidaturas-publicas", query: "%6Eombre=ana&r%2B1=x&r+2=y&pagina")
                == "/candidaturas-publicas?%6Eombre=ana&pagina")
        // Every parameter the search reads is part of the key.
        for key in PublicSearch.keys {
            #expect(PageCacheMiddleware.canonicalTarget(path: "/candidaturas-publicas", query: "\(key)=v") == "/candidaturas-publicas?\(key)=v")
        }
    }

    @Test func aFloodOfDistinctURLsDoesNotEvictAHotPage() {
        let cache = PageCache(maximumBytes: 100_000, checkInterval: .seconds(3_600))
        cache.switchTo(1)
        let body = ByteBuffer(bytes: [UInt8](repeating: 65, count: 1_000))
        let hot = PageCache.Key(version: 1, target: "/perfil/HOT", gzip: false)
        cache.store(.init(headers: [:], body: body), for: hot)
        #expect(cache.page(hot) != nil)  // read again: a page people keep reading
        for index in 0..<2_000 {
            cache.store(.init(headers: [:], body: body), for: .init(version: 1, target: "/candidaturas-publicas?nombre=\(index)", gzip: false))
        }
        #expect(cache.page(hot) != nil, "junk evicted the hot page")
        #expect(cache.statistics.bytes <= 100_000)
    }
}
