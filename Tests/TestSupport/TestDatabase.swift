import ConocelesConfig
import Foundation
import Logging
import PostgresNIO
import Storage

/// A throwaway database per test on the cluster started by `scripts/db`: created empty,
/// migrated, handed to the test with a running pool, dropped afterwards. Tests that use it
/// can run in parallel.
public enum TestDatabase {
    /// The server's URL: `CONOCELES_TEST_DATABASE_URL`, else `CONOCELES_DATABASE_URL`, else
    /// the default of `scripts/db` (port 54329).
    public static var adminEndpoint: DatabaseEndpoint {
        let env = ProcessInfo.processInfo.environment
        let text = env["CONOCELES_TEST_DATABASE_URL"] ?? env["CONOCELES_DATABASE_URL"]
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

    /// Runs `body` with a fresh, migrated database; drops it afterwards even when `body` throws.
    public static func with<T: Sendable>(
        migrate: Bool = true,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        // A bounded number of test databases at once: each holds a pool of up to 8 connections,
        // and hundreds of tests started together would exhaust the server's connection slots.
        await slots.acquire()
        defer { Task { await slots.release() } }
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let admin = adminEndpoint
        try await withAdminConnection(admin) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        let database = Database(endpoint: admin.with(database: String(name)), maximumConnections: 8, logger: logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            // Let the client's run() start before the first lease: every crash of the test
            // process seen on 2026-12-07 (a freed PostgresClient in leaseConnection, a corrupt
            // dictionary) came right after PostgresNIO's "lease before run() was called"
            // warning, under heavy parallel load.
            try? await Task.sleep(for: .milliseconds(50))
            do {
                if migrate { try await Migrator().migrate(database.client, logger: logger) }
                return .success(try await body(database))
            } catch {
                return .failure(error)
            }
        }
        try await drop(String(name), admin)
        return try result.get()
    }

    /// Drops the test database. `WITH (FORCE)` refuses (42501) when an autovacuum worker
    /// happens to be in it and the role is not a superuser; that worker leaves within
    /// moments, so the drop is retried a few times.
    /// How many test databases may exist at once (`CONOCELES_TEST_DATABASES`, default 12).
    static let slots = AsyncSlots(Int(ProcessInfo.processInfo.environment["CONOCELES_TEST_DATABASES"] ?? "") ?? 12)

    static func drop(_ name: String, _ admin: DatabaseEndpoint) async throws {
        for attempt in 1...20 {
            do {
                try await withAdminConnection(admin) { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
                }
                return
            } catch where PostgresErrorText.sqlState(error) == "42501" && attempt < 20 {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    static func withAdminConnection(_ endpoint: DatabaseEndpoint, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: endpoint.host, port: endpoint.port, username: endpoint.username,
                password: endpoint.password, database: endpoint.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// A counting semaphore for async code: `acquire` waits while every slot is taken.
actor AsyncSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = max(1, count) }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
