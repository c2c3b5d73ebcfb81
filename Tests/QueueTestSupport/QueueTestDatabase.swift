import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresSupport

/// Something that reaches a test database through a pool (`TestPostgres` here; Storage's
/// `Database` in the application's tests).
public protocol PostgresPooled: Sendable {
    var client: PostgresClient { get }
}

/// A throwaway database's pool, for tests of the queue alone.
public struct TestPostgres: PostgresPooled {
    public let client: PostgresClient
}

/// Throwaway databases on the cluster started by `scripts/db`, for the queue's own tests:
/// created empty, migrated with the queue's migrations only (`JobQueueSchema`), dropped
/// afterwards. The application's `TestDatabase` creates and drops its databases here too.
public enum QueueTestDatabase {
    /// Where the cluster listens: `CONOCELES_TEST_DATABASE_URL`, else `CONOCELES_DATABASE_URL`,
    /// else the default of `scripts/db` (port 54329).
    public struct Server: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String

        public func configuration(database: String? = nil) -> PostgresClient.Configuration {
            PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database ?? self.database, tls: .disable)
        }
    }

    public static var server: Server {
        let env = ProcessInfo.processInfo.environment
        let text =
            env["CONOCELES_TEST_DATABASE_URL"] ?? env["CONOCELES_DATABASE_URL"]
            ?? "postgres://conoceles@127.0.0.1:54329/conoceles"
        let url = URLComponents(string: text)
        let path = url?.path.drop { $0 == "/" } ?? ""
        return Server(
            host: url?.host ?? "127.0.0.1", port: url?.port ?? 5432, username: url?.user ?? "conoceles",
            password: url?.password?.removingPercentEncoding, database: path.isEmpty ? "conoceles" : String(path))
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a fresh database migrated with the queue's own migrations (none with
    /// `migrate: false`); drops it afterwards even when `body` throws.
    public static func with<T: Sendable>(
        migrate: Bool = true,
        _ body: @Sendable (TestPostgres) async throws -> T
    ) async throws -> T {
        try await withFreshDatabase { name in
            let client = PostgresClient(configuration: server.configuration(database: name), backgroundLogger: logger)
            return try await withRunning(client) {
                if migrate { try await Migrator(migrations: JobQueueSchema.migrations()).migrate(client, logger: logger) }
                return try await body(TestPostgres(client: client))
            }
        }
    }

    /// Runs `body` while `client` runs, then stops it.
    static func withRunning<T: Sendable>(_ client: PostgresClient, _ body: () async throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // Let the client's run() start before the first lease (see TestDatabase).
            try? await Task.sleep(for: .milliseconds(50))
            do {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Creates an empty database, runs `body` with its name, drops it afterwards. At most
    /// `CONOCELES_TEST_DATABASES` (default 12) exist at once: each holds a pool, and hundreds
    /// of tests started together would exhaust the server's connection slots.
    public static func withFreshDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        await slots.acquire()
        defer { Task { await slots.release() } }
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await withAdminConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(String(name)))
        } catch {
            result = .failure(error)
        }
        try await drop(String(name))
        return try result.get()
    }

    static let slots = AsyncSlots(Int(ProcessInfo.processInfo.environment["CONOCELES_TEST_DATABASES"] ?? "") ?? 12)

    /// Drops the test database. `WITH (FORCE)` refuses (42501) when an autovacuum worker
    /// happens to be in it and the role is not a superuser; that worker leaves within
    /// moments, so the drop is retried a few times.
    static func drop(_ name: String) async throws {
        for attempt in 1...20 {
            do {
                try await withAdminConnection { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
                }
                return
            } catch  where PostgresErrorText.sqlState(error) == "42501" && attempt < 20 {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    static func withAdminConnection(_ body: (PostgresConnection) async throws -> Void) async throws {
        let server = server
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: server.host, port: server.port, username: server.username,
                password: server.password, database: server.database, tls: .disable),
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
