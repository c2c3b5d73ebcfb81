import Foundation
import Logging
import PostgresNIO

/// Applies the numbered `.sql` files of `Migrations/` in order, each in its own
/// transaction, recorded in `schema_migrations`. An advisory lock makes two processes that
/// start together apply each migration exactly once.
public struct Migrator: Sendable {
    /// One migration file: `0003_jobs.sql` → version 3, name `jobs`.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    /// A migration that failed; names the file and PostgreSQL's reason.
    public struct MigrationFailed: Error, Sendable, CustomStringConvertible {
        public let version: Int
        public let name: String
        public let reason: String
        public var description: String { "La migración \(version) (\(name)) falló: \(reason)" }
    }

    /// Arbitrary, stable key of the advisory lock that serializes migrators.
    static let lockKey: Int64 = 0x636F_6E6F_6365_6C65  // "conocele"

    public let migrations: [Migration]

    public init(migrations: [Migration] = Migrator.bundled()) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The migrations shipped with this build (the target's `Migrations/` folder).
    public static func bundled() -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        else { return [] }
        return files.compactMap { url -> Migration? in
            let file = url.lastPathComponent
            guard file.hasSuffix(".sql"), let underscore = file.firstIndex(of: "_"),
                  let version = Int(file[..<underscore]),
                  let sql = try? String(contentsOf: url, encoding: .utf8)
            else { return nil }
            let name = String(file[file.index(after: underscore)...].dropLast(4))
            return Migration(version: version, name: name, sql: sql)
        }.sorted { $0.version < $1.version }
    }

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withConnection { connection in
            try await migrate(on: connection, logger: logger)
        }
    }

    /// Applies what is missing over `connection`, which must be a direct one (a session of
    /// its own: the advisory lock is a session lock, which a pooler in transaction mode would
    /// leave behind on whichever server connection ran it). Returns the versions applied now.
    @discardableResult
    public func migrate(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
        do {
            let applied = try await migrateLocked(connection, logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            throw error
        }
    }

    private func migrateLocked(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var done: Set<Int> = []
        for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
            .decode(Int.self) {
            done.insert(version)
        }
        var applied: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            do {
                try await connection.withTransaction(logger: logger) { tx in
                    for statement in SQLScript.statements(in: migration.sql) {
                        // Migration files ship with the program; they are not input.
                        try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await tx.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                }
            } catch {
                throw MigrationFailed(version: migration.version, name: migration.name, reason: PostgresErrorText.describe(error))
            }
            logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }
}
