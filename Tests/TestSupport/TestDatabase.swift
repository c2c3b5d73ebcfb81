import ConocelesConfig
import Foundation
import Logging
import PostgresNIO
import JobQueue
@_exported import QueueTestSupport
import Storage

/// A throwaway database per test on the cluster started by `scripts/db`: created empty,
/// migrated, handed to the test with a running pool, dropped afterwards. Tests that use it
/// can run in parallel.
public enum TestDatabase {
    /// The server's URL: `CONOCELES_TEST_DATABASE_URL`, else `CONOCELES_DATABASE_URL`, else
    /// the default of `scripts/db` (port 54329).
    public static var adminEndpoint: DatabaseEndpoint {
        let env = ProcessInfo.processInfo.environment
        let text =
            env["CONOCELES_TEST_DATABASE_URL"] ?? env["CONOCELES_DATABASE_URL"]
            ?? "postgres://conoceles@127.0.0.1:54329/conoceles"
        let url = try! DatabaseURL(parsing: text)
        return DatabaseEndpoint(
            host: url.host, port: url.port, username: url.username, password: url.password,
            database: url.database, requireTLS: url.requireTLS)
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    /// The migrator over every migration of the program: the queue's and the application's.
    public static func migrator() throws -> Migrator {
        try Migrator(sets: [JobQueueSchema.migrations(), StorageSchema.migrations()])
    }

    /// Runs `body` with a fresh, migrated database; drops it afterwards even when `body` throws.
    public static func with<T: Sendable>(
        migrate: Bool = true,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await QueueTestDatabase.withFreshDatabase { name in
            let database = Database(endpoint: adminEndpoint.with(database: name), maximumConnections: 8, logger: logger)
            let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
                group.addTask { await database.run() }
                defer { group.cancelAll() }
                // Let the client's run() start before the first lease: every crash of the test
                // process seen on 2026-12-07 (a freed PostgresClient in leaseConnection, a corrupt
                // dictionary) came right after PostgresNIO's "lease before run() was called"
                // warning, under heavy parallel load.
                try? await Task.sleep(for: .milliseconds(50))
                do {
                    if migrate { try await migrator().migrate(database.client, logger: logger) }
                    return .success(try await body(database))
                } catch {
                    return .failure(error)
                }
            }
            return try result.get()
        }
    }
}

extension Database: PostgresPooled {}
