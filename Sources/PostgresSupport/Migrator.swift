import Crypto
import Foundation
import Logging
import PostgresNIO

/// Applies numbered `.sql` migrations in order (the queue's, `JobQueueSchema`, and the
/// application's, `StorageSchema`, in one version space: `init(sets:)`), each in its own
/// transaction (but those marked `-- conoceles: no-transaction`, for `CREATE INDEX
/// CONCURRENTLY`: see `applyWithoutTransaction` and `MigrationPolicy`), recorded in
/// `schema_migrations` with the SHA-256 of its text. An advisory lock makes two processes
/// that start together apply each migration exactly once.
///
/// Before anything runs, the database's record is compared with this build's files
/// (`check`): an applied migration whose text changed since (a checksum that differs), or one
/// this build does not know (a newer release migrated the database), stops the process with
/// `SchemaMismatch`. Rows recorded before checksums existed get the current file's checksum
/// on the first `migrate` (backfill; drift before that cannot be seen).
public struct Migrator: Sendable {
    /// One migration file: `0003_jobs.sql` → version 3, name `jobs`.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String

        public init(version: Int, name: String, sql: String) {
            self.version = version
            self.name = name
            self.sql = sql
        }

        /// SHA-256 of the file's text, as 64 lowercase hex digits.
        public var checksum: String {
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            for byte in SHA256.hash(data: Data(sql.utf8)) {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: text, as: UTF8.self)
        }

        /// `0019_publication_snapshots.sql`.
        public var fileName: String { "\(String(format: "%04d", version))_\(name).sql" }
    }

    /// The database's schema does not match this build; the description says what to do.
    public struct SchemaMismatch: Error, Sendable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// Applied migrations whose text changed since (version list).
            case changed([Int])
            /// Applied migrations this build does not have: a newer release migrated the database.
            case newer([Int])
            /// Migrations of this build not yet applied.
            case behind([Int])
            /// Another process held the migration lock longer than the wait allowed.
            case lockTimeout(seconds: Int)
        }
        public let kind: Kind
        public let description: String
    }

    /// The database against this build.
    public struct SchemaState: Sendable, Equatable {
        /// Versions applied in the database.
        public var applied: [Int]
        /// This build's migrations not applied yet.
        public var pending: [Int]
        /// Applied versions this build does not have.
        public var unknown: [Int]
        /// Applied versions whose recorded checksum differs from this build's file.
        public var changed: [Int]
        /// Applied versions recorded without a checksum (before checksums existed).
        public var unchecked: [Int]
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
    /// `lock_timeout` of each migration's transaction: a statement that waits longer for a
    /// table lock (a long transaction holds it) fails the migration, which rolls back whole,
    /// instead of queueing every other query of that table behind it.
    public var statementLockTimeout: Duration = .seconds(10)
    /// How long to wait for the migration lock held by another process before giving up;
    /// the wait is logged every few seconds.
    public var migrationLockWait: Duration = .seconds(300)

    /// A migrator over `migrations`, applied in version order.
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// A migrator over the migrations of several owners (the queue's, the application's), one
    /// version space: each owner keeps its own numbers, and two owners may not use the same
    /// one. Applied in version order whatever their owner.
    /// - Throws: `DuplicateVersion` naming both files.
    public init(sets: [[Migration]]) throws(DuplicateVersion) {
        var seen: [Int: Migration] = [:]
        for migration in sets.joined() {
            if let other = seen[migration.version] {
                throw DuplicateVersion(version: migration.version, files: [other.fileName, migration.fileName])
            }
            seen[migration.version] = migration
        }
        self.init(migrations: Array(seen.values))
    }

    /// Two migrations with one version (two owners numbered one file alike).
    public struct DuplicateVersion: Error, Sendable, CustomStringConvertible {
        public let version: Int
        public let files: [String]
        public var description: String {
            "Dos migraciones tienen la versión \(version): \(files.joined(separator: " y ")). Cada versión es de un solo dueño; renumere la nueva."
        }
    }

    /// The migrations in `folder` (`NNNN_name.sql` files; other files are ignored).
    /// - Throws: `UnreadableMigrations` when the folder or a file cannot be read: a build
    ///   without its migrations must not start as if it had none.
    public static func migrations(in folder: URL?) throws(UnreadableMigrations) -> [Migration] {
        guard let folder else { throw UnreadableMigrations(path: "(sin carpeta)", reason: "la carpeta de migraciones no está en el paquete") }
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        } catch {
            throw UnreadableMigrations(path: folder.path, reason: "\(error)")
        }
        var result: [Migration] = []
        for url in files {
            let file = url.lastPathComponent
            guard file.hasSuffix(".sql"), let underscore = file.firstIndex(of: "_"),
                let version = Int(file[..<underscore])
            else { continue }
            let sql: String
            do {
                sql = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw UnreadableMigrations(path: url.path, reason: "\(error)")
            }
            let name = String(file[file.index(after: underscore)...].dropLast(4))
            result.append(Migration(version: version, name: name, sql: sql))
        }
        guard !result.isEmpty else { throw UnreadableMigrations(path: folder.path, reason: "no hay archivos NNNN_nombre.sql") }
        return result.sorted { $0.version < $1.version }
    }

    /// The migrations shipped with the program could not be read.
    public struct UnreadableMigrations: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "No se pudieron leer las migraciones de \(path): \(reason)" }
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
    /// - Throws: `SchemaMismatch` (a changed or unknown applied migration, or the lock not
    ///   obtained within `migrationLockWait`), `MigrationFailed`.
    @discardableResult
    public func migrate(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await acquireLock(connection, logger: logger)
        do {
            let applied = try await migrateLocked(connection, logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            throw error
        }
    }

    /// Takes the migration lock, polling, logging the wait every 5 s, within `migrationLockWait`.
    private func acquireLock(_ connection: PostgresConnection, logger: Logger) async throws {
        let start = ContinuousClock.now
        var lastLog = start
        while true {
            let locked = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))", logger: logger)
                .decode(Bool.self).reduce(false) { $0 || $1 }
            if locked { return }
            let waited = ContinuousClock.now - start
            if waited >= migrationLockWait {
                let seconds = Int(waited.components.seconds)
                throw SchemaMismatch(
                    kind: .lockTimeout(seconds: seconds),
                    description: """
                        Otro proceso tiene el candado de las migraciones desde hace \(seconds) s (una migración en curso o un \
                        proceso detenido a medias). Revise pg_locks (locktype advisory, objid \(Self.lockKey & 0xFFFF_FFFF)) y \
                        vuelva a intentarlo.
                        """)
            }
            if ContinuousClock.now - lastLog >= .seconds(5) || lastLog == start {
                logger.warning(
                    "waiting for the migration lock held by another process",
                    metadata: [
                        "waited_s": "\(waited.components.seconds)", "timeout_s": "\(migrationLockWait.components.seconds)",
                    ])
                lastLog = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The database's record against this build's migrations, read over `client` (no lock).
    public func state(_ client: PostgresClient, logger: Logger) async throws -> SchemaState {
        try await client.withConnection { try await state(on: $0, logger: logger) }
    }

    /// The database's record against this build's migrations, over `connection`.
    public func state(on connection: PostgresConnection, logger: Logger) async throws -> SchemaState {
        var recorded: [Int: String?] = [:]
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            .decode(Bool.self).reduce(false) { $0 || $1 }
        if exists {
            let hasChecksum = try await connection.query(
                """
                SELECT count(*) > 0 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'checksum'
                """, logger: logger
            ).decode(Bool.self).reduce(false) { $0 || $1 }
            let query: PostgresQuery =
                hasChecksum
                ? "SELECT version, checksum FROM schema_migrations" : "SELECT version, NULL::text FROM schema_migrations"
            for try await (version, checksum) in try await connection.query(query, logger: logger).decode((Int, String?).self) {
                recorded.updateValue(checksum, forKey: version)  // (a nil checksum must not remove the key)
            }
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        var state = SchemaState(applied: recorded.keys.sorted(), pending: [], unknown: [], changed: [], unchecked: [])
        state.pending = migrations.map(\.version).filter { !recorded.keys.contains($0) }
        for (version, checksum) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else { state.unknown.append(version); continue }
            if let checksum {
                if checksum != migration.checksum { state.changed.append(version) }
            } else {
                state.unchecked.append(version)
            }
        }
        return state
    }

    /// Throws `SchemaMismatch` for a changed or unknown applied migration; with
    /// `requireCurrent`, also for pending ones (a service that does not migrate by itself).
    public func verify(_ state: SchemaState, requireCurrent: Bool) throws(SchemaMismatch) {
        if !state.changed.isEmpty {
            let files = state.changed.compactMap { v in migrations.first { $0.version == v }?.fileName }
            throw SchemaMismatch(
                kind: .changed(state.changed),
                description: """
                    Las migraciones ya aplicadas \(files.joined(separator: ", ")) no coinciden con las de este programa (su \
                    suma SHA-256 cambió desde que se aplicaron): alguien las modificó después. No se arranca para no trabajar \
                    sobre un esquema distinto del esperado. Una migración aplicada no se edita: escriba una nueva \
                    (docs/OPERATIONS.md §5).
                    """)
        }
        if !state.unknown.isEmpty {
            throw SchemaMismatch(
                kind: .newer(state.unknown),
                description: """
                    La base de datos tiene migraciones que este programa no conoce (\(state.unknown.map(String.init).joined(separator: ", "))): \
                    la actualizó una versión más nueva de Conóceles (este programa llega hasta la \(migrations.last?.version ?? 0)). \
                    Use esa versión, o regrese a esta restaurando el respaldo previo a la actualización (docs/OPERATIONS.md §5).
                    """)
        }
        if requireCurrent, !state.pending.isEmpty {
            throw SchemaMismatch(
                kind: .behind(state.pending),
                description: """
                    La base de datos no está al día: faltan las migraciones \(state.pending.map(String.init).joined(separator: ", ")) \
                    de este programa. Respalde la base y ejecute «conoceles migrate» (el paso de actualización, \
                    docs/OPERATIONS.md §5), o arranque con database.migrate_on_start: true (CONOCELES_DATABASE_MIGRATE_ON_START).
                    """)
        }
    }

    private func migrateLocked(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        try await connection.query("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text", logger: logger)
        let state = try await state(on: connection, logger: logger)
        try verify(state, requireCurrent: false)
        // Rows from before checksums: recorded with this build's file (drift before now is invisible).
        for version in state.unchecked {
            guard let migration = migrations.first(where: { $0.version == version }) else { continue }
            try await connection.query(
                "UPDATE schema_migrations SET checksum = \(migration.checksum) WHERE version = \(version) AND checksum IS NULL",
                logger: logger)
        }
        if !state.unchecked.isEmpty {
            logger.notice(
                "migration checksums recorded for migrations applied before checksums existed",
                metadata: [
                    "count": "\(state.unchecked.count)"
                ])
        }
        let lockTimeoutMilliseconds =
            statementLockTimeout.components.seconds * 1_000
            + statementLockTimeout.components.attoseconds / 1_000_000_000_000_000
        var applied: [Int] = []
        for migration in migrations where state.pending.contains(migration.version) {
            do {
                guard migration.isTransactional else {
                    try await applyWithoutTransaction(migration, on: connection, logger: logger)
                    logger.info(
                        "migration applied",
                        metadata: [
                            "version": "\(migration.version)", "name": "\(migration.name)", "transaction": "none",
                        ])
                    applied.append(migration.version)
                    continue
                }
                try await connection.withTransaction(logger: logger) { tx in
                    // Transaction-scoped: a statement that cannot get its table lock in time fails
                    // (and the migration rolls back) rather than stall every query behind it.
                    try await tx.query(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(lockTimeoutMilliseconds)ms'"), logger: logger)
                    for statement in SQLScript.statements(in: migration.sql) {
                        // Migration files ship with the program; they are not input.
                        try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await tx.query(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """, logger: logger)
                }
            } catch {
                var reason = PostgresErrorText.describe(error)
                if PostgresErrorText.sqlState(error) == "55P03" || reason.contains("lock timeout") {
                    reason += " (otra transacción retenía la tabla más de \(lockTimeoutMilliseconds) ms; vuelva a intentarlo cuando termine)"
                }
                throw MigrationFailed(version: migration.version, name: migration.name, reason: reason)
            }
            logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }

    /// A `-- conoceles: no-transaction` migration (`CREATE INDEX CONCURRENTLY`, which cannot
    /// run in a transaction and does not stop writes while it builds): each statement on its
    /// own, then the record. No `lock_timeout`: a concurrent build waits for older transactions
    /// by design, without blocking anyone. A build that failed before (a unique violation, a
    /// killed process) leaves an INVALID index of that name, which `IF NOT EXISTS` would keep:
    /// it is dropped (concurrently) and built again. `MigrationPolicy` holds these migrations
    /// to statements that are safe to repeat.
    private func applyWithoutTransaction(_ migration: Migration, on connection: PostgresConnection, logger: Logger) async throws {
        for statement in SQLScript.statements(in: migration.sql) {
            if let index = Self.concurrentIndexName(statement) {
                let invalid = try await connection.query(
                    """
                    SELECT count(*) > 0 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE c.relname = \(index) AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid
                    """, logger: logger
                ).decode(Bool.self).reduce(false) { $0 || $1 }
                if invalid {
                    logger.warning(
                        "dropping an invalid index left by an earlier failed build",
                        metadata: [
                            "index": "\(index)", "version": "\(migration.version)",
                        ])
                    let quoted = "\"" + index.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP INDEX CONCURRENTLY IF EXISTS \(quoted)"), logger: logger)
                }
            }
            logger.info(
                "migration statement without transaction",
                metadata: [
                    "version": "\(migration.version)", "statement": "\(statement.prefix(120))",
                ])
            // Migration files ship with the program; they are not input.
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.query(
            """
            INSERT INTO schema_migrations (version, name, checksum)
            VALUES (\(migration.version), \(migration.name), \(migration.checksum))
            """, logger: logger)
    }

    /// The index name of `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS name ON …`, unquoted.
    static func concurrentIndexName(_ statement: String) -> String? {
        let text = MigrationPolicy.skeletonPreservingCase(statement)
        guard
            let name = MigrationPolicy.firstMatch(
                #"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+("[^"]+"|\S+)\s+ON\s"#, in: text)
        else { return nil }
        if name.hasPrefix("\"") { return String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
        return name.lowercased()
    }
}
