import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// `PublicPages`, the one declaration of the public pages, against its users: the router
/// (every GET route open to anyone is declared, every declared page is such a route), the page cache (declared `cached` pages, and only those, are answered from it) and
/// the static export (every exported page and file is in the plan).
@Suite("Public pages table")
struct PublicPagesTests {
    static let candidacyID = "C-PUBLIC"

    /// Whether an anonymous request was refused for want of a session or an allowed address.
    static func refused(_ response: TestResponse) -> Bool {
        response.status == .unauthorized || response.status == .forbidden
            || (response.status == .seeOther && response.location?.hasPrefix("/entrar") == true)
    }

    func withSite(cache: PageCache?, _ body: @Sendable @escaping (_ getRoutes: [String], Browser) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [WebFixtures.candidacy(Self.candidacyID, party: "PAN", name: "Aurelia Núñez Quintero")])
            try await PublicationTests.publish(db, Self.candidacyID)
            try await PublicationTests.rebuild(db, process)
            var context = testContext(db, process)
            context.pageCache = cache
            let router = WebApplication.buildRouter(context: context)
            let getRoutes = router.routes.filter { $0.method == .get }.map { "\($0.path)" }
            let app = Application(router: router)
            try await app.test(.router) { client in try await body(getRoutes, Browser(client)) }
        }
    }

    /// The router's public routes are its GET routes that `AuthorizationMatrixTests.policy`
    /// (itself held to the router) opens to anyone; each must be declared, each declared page
    /// must be one of them, and an anonymous visitor must not be refused on any of them.
    @Test func everyPublicGETRouteOfTheRouterIsDeclared() async throws {
        try await withSite(cache: nil) { getRoutes, browser in
            let declared = Set(PublicPages.all.map(\.routeDescription))
            #expect(declared.count == PublicPages.all.count, "a page declared twice")
            let open = Set(getRoutes.filter { AuthorizationMatrixTests.policy["GET \($0)"] == .anyone })
            #expect(open.subtracting(declared).sorted() == [], "public GET routes missing from PublicPages.all")
            #expect(declared.subtracting(open).sorted() == [], "declared public pages the router lacks or does not open to anyone")
            #expect(Set(getRoutes).isSuperset(of: declared))
            for page in PublicPages.all {
                let response = try await browser.get(AuthorizationMatrixTests.concrete(page.routeDescription, candidacy: Self.candidacyID))
                #expect(!Self.refused(response), "\(page.path) refuses an anonymous visitor")
            }
        }
    }

    @Test func thePageCacheKeepsTheDeclaredPagesAndNoOthers() async throws {
        let cache = PageCache(checkInterval: .seconds(3_600))
        try await withSite(cache: cache) { _, browser in
            var wrong: [String] = []
            for page in PublicPages.all {
                let uri = AuthorizationMatrixTests.concrete(page.routeDescription, candidacy: Self.candidacyID)
                let first = try await browser.get(uri)
                guard first.status == .ok else { continue }  // no photo was uploaded: its 404 is never kept
                let hits = cache.statistics.hits
                _ = try await browser.get(uri)
                let servedFromCache = cache.statistics.hits > hits
                if servedFromCache != page.cached { wrong.append("\(uri): cached \(servedFromCache), declared \(page.cached)") }
            }
            #expect(wrong == [])
        }
    }

    @Test func theStaticExportPlansEveryExportedPage() {
        let plan = StaticSitePlan(candidacies: [], pageSize: PublicSearch.pageSize, assets: [])
        let uris = Set(plan.entries.map(\.uri))
        for page in PublicPages.all {
            switch page.export {
            case .page, .optionalPage, .file: #expect(uris.contains(page.path), "\(page.path) is not exported")
            case .none: #expect(!uris.contains(page.path), "\(page.path) is exported but declared .none")
            case .generated: break  // per candidacy, office and listing page: StaticExportTests
            }
        }
        #expect(
            plan.entries.filter { $0.optional }.map(\.uri).sorted()
                == PublicPages.all.filter { $0.export == .optionalPage }.map(\.path).sorted())
    }
}
