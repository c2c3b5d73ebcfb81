import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import TestSupport

/// The site of the issue-19 regression tests: the Jalisco process with `candidacies`, the
/// context adjusted by `configure`, served in process (`.router`) or on a loopback port
/// (`.live`, where the peer address is real), with `logger` when given.
enum SecuritySite {
    static func with(
        _ candidacies: [Candidacy] = [], setup: TestingSetup = .router, logger: Logger? = nil,
        configure: @Sendable @escaping (inout WebContext) -> Void = { _ in },
        _ body: @Sendable @escaping (Browser, Database) async throws -> Void
    ) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            var context = testContext(db, process)
            configure(&context)
            let router = WebApplication.buildRouter(context: context)
            let app = if let logger { Application(router: router, logger: logger) } else { Application(router: router) }
            try await app.test(setup) { client in try await body(Browser(client), db) }
        }
    }

    /// One count of `table` (optionally `WHERE where`).
    static func count(_ db: Database, _ table: String, where condition: String = "true") async throws -> Int {
        try await db.client.query("SELECT count(*)::int FROM \(unescaped: table) WHERE \(unescaped: condition)").collect().first?.decode(Int.self) ?? 0
    }
}
