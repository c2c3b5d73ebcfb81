import Foundation
import Logging
import PostgresNIO
@testable import PostgresSupport
import Storage
import Testing
import TestSupport

@Suite("Migrator")
struct MigratorTests {
    @Test func appliesEachMigrationOnceAndRecordsIt() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let migrator = try TestDatabase.migrator()
            #expect(!migrator.migrations.isEmpty)
            let first = try await migrator.migrate(db.client, logger: TestDatabase.logger)
            #expect(first == migrator.migrations.map(\.version))
            let second = try await migrator.migrate(db.client, logger: TestDatabase.logger)
            #expect(second.isEmpty)
            let count = try await db.client.query("SELECT count(*) FROM schema_migrations").decode(Int.self)
                .reduce(0) { $0 + $1 }
            #expect(count == migrator.migrations.count)
        }
    }

    /// Two processes starting together: the advisory lock makes each migration apply once.
    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await (try TestDatabase.migrator()).migrate(db.client, logger: TestDatabase.logger) } }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let all = results.flatMap { $0 }
            #expect(all.sorted() == (try TestDatabase.migrator()).migrations.map(\.version))
        }
    }

    /// A failing migration rolls back whole and names itself.
    @Test func aFailingMigrationRollsBackAndNamesItself() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let broken = Migrator(migrations: [
                .init(version: 1, name: "good", sql: "CREATE TABLE a (x int);"),
                .init(version: 2, name: "bad", sql: "CREATE TABLE b (y int); SELECT * FROM no_such_table;"),
            ])
            let error = await #expect(throws: Migrator.MigrationFailed.self) {
                try await broken.migrate(db.client, logger: TestDatabase.logger)
            }
            #expect(error?.version == 2)
            #expect(error?.reason.contains("no_such_table") == true)
            let tables = try await db.client.query(
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('a', 'b')"
            ).decode(Int.self).reduce(0) { $0 + $1 }
            #expect(tables == 1, "table a stays (its migration committed), table b was rolled back")
        }
    }
}

@Suite("Migrator checksums and schema versions")
struct MigratorSchemaTests {
    let v1 = Migrator.Migration(version: 1, name: "uno", sql: "CREATE TABLE a (x int);")
    let v2 = Migrator.Migration(version: 2, name: "dos", sql: "CREATE TABLE b (y int);")

    func checksums(_ db: Database) async throws -> [Int: String?] {
        var found: [Int: String?] = [:]
        for try await (version, checksum) in try await db.client.query("SELECT version, checksum FROM schema_migrations")
            .decode((Int, String?).self)
        {
            found.updateValue(checksum, forKey: version)
        }
        return found
    }

    @Test func eachAppliedMigrationIsRecordedWithTheChecksumOfItsText() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [v1, v2]).migrate(db.client, logger: TestDatabase.logger)
            let recorded = try await checksums(db)
            #expect(recorded[1] == v1.checksum && recorded[2] == v2.checksum)
            #expect(v1.checksum.count == 64 && v1.checksum != v2.checksum)
        }
    }

    /// A database migrated before checksums existed: the first run records them, no failure.
    @Test func aDatabaseFromBeforeChecksumsIsBackfilled() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [v1]).migrate(db.client, logger: TestDatabase.logger)
            try await db.client.query("ALTER TABLE schema_migrations DROP COLUMN checksum")
            let before = try await Migrator(migrations: [v1, v2]).state(db.client, logger: TestDatabase.logger)
            #expect(before.unchecked == [1] && before.pending == [2] && before.changed.isEmpty)
            let applied = try await Migrator(migrations: [v1, v2]).migrate(db.client, logger: TestDatabase.logger)
            #expect(applied == [2])
            let recorded = try await checksums(db)
            #expect(recorded[1] == v1.checksum && recorded[2] == v2.checksum)
        }
    }

    @Test func aChangedAppliedMigrationStopsTheMigratorAndTheCheck() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [v1]).migrate(db.client, logger: TestDatabase.logger)
            let edited = Migrator(migrations: [.init(version: 1, name: "uno", sql: "CREATE TABLE a (x int, z int);"), v2])
            let error = await #expect(throws: Migrator.SchemaMismatch.self) {
                try await edited.migrate(db.client, logger: TestDatabase.logger)
            }
            #expect(error?.kind == .changed([1]))
            #expect(error?.description.contains("0001_uno.sql") == true, "\(String(describing: error))")
            let state = try await edited.state(db.client, logger: TestDatabase.logger)
            #expect(throws: Migrator.SchemaMismatch.self) { try edited.verify(state, requireCurrent: false) }
            // Nothing was applied after the refusal.
            #expect(try await checksums(db).keys.sorted() == [1])
        }
    }

    @Test func aSchemaNewerThanTheBuildIsRefused() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [v1, v2]).migrate(db.client, logger: TestDatabase.logger)
            let older = Migrator(migrations: [v1])
            let state = try await older.state(db.client, logger: TestDatabase.logger)
            #expect(state.unknown == [2] && state.pending.isEmpty)
            let error = #expect(throws: Migrator.SchemaMismatch.self) { try older.verify(state, requireCurrent: true) }
            #expect(error?.kind == .newer([2]))
            #expect(error?.description.contains("más nueva") == true)
            await #expect(throws: Migrator.SchemaMismatch.self) { try await older.migrate(db.client, logger: TestDatabase.logger) }
        }
    }

    @Test func aServiceRefusesASchemaBehindUnlessItMigrates() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [v1]).migrate(db.client, logger: TestDatabase.logger)
            let newer = Migrator(migrations: [v1, v2])
            let state = try await newer.state(db.client, logger: TestDatabase.logger)
            let error = #expect(throws: Migrator.SchemaMismatch.self) { try newer.verify(state, requireCurrent: true) }
            #expect(error?.kind == .behind([2]))
            #expect(error?.description.contains("conoceles migrate") == true)
            try newer.verify(state, requireCurrent: false)
        }
    }

    /// Another process holding the migration lock: the wait is bounded and reported.
    @Test func waitingForTheMigrationLockTimesOut() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let connection = try await PostgresConnection.connect(
                configuration: db.endpoint.connectionConfiguration, id: 1, logger: TestDatabase.logger)
            try await connection.query("SELECT pg_advisory_lock(\(Migrator.lockKey))", logger: TestDatabase.logger)
            var migrator = Migrator(migrations: [v1])
            migrator.migrationLockWait = .seconds(1)
            let start = ContinuousClock.now
            let error = await #expect(throws: Migrator.SchemaMismatch.self) {
                try await migrator.migrate(db.client, logger: TestDatabase.logger)
            }
            #expect(ContinuousClock.now - start < .seconds(10))
            if case .lockTimeout = error?.kind {} else { Issue.record("expected a lock timeout, got \(String(describing: error))") }
            try await connection.close()
            #expect(try await migrator.migrate(db.client, logger: TestDatabase.logger) == [1])
        }
    }

    /// A migration whose table is held by a long transaction fails after lock_timeout, whole.
    @Test func aMigrationBlockedByALongTransactionFailsAfterItsLockTimeout() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [v1]).migrate(db.client, logger: TestDatabase.logger)
            let holder = try await PostgresConnection.connect(
                configuration: db.endpoint.connectionConfiguration, id: 2, logger: TestDatabase.logger)
            try await holder.query("BEGIN", logger: TestDatabase.logger)
            try await holder.query("LOCK TABLE a IN ACCESS SHARE MODE", logger: TestDatabase.logger)
            var migrator = Migrator(migrations: [v1, .init(version: 2, name: "alter", sql: "ALTER TABLE a ADD COLUMN w int;")])
            migrator.statementLockTimeout = .milliseconds(300)
            let error = await #expect(throws: Migrator.MigrationFailed.self) {
                try await migrator.migrate(db.client, logger: TestDatabase.logger)
            }
            #expect(error?.version == 2)
            #expect(error?.reason.contains("lock timeout") == true, "\(String(describing: error))")
            try await holder.query("ROLLBACK", logger: TestDatabase.logger)
            try await holder.close()
            #expect(try await migrator.migrate(db.client, logger: TestDatabase.logger) == [2])
        }
    }
}

@Suite("SQLScript")
struct SQLScriptTests {
    @Test func splitsOnTopLevelSemicolonsOnly() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (s text DEFAULT 'a;b', "we;ird" int);
            /* block; comment */
            CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no; way'; END; $$ LANGUAGE plpgsql;
            CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            INSERT INTO t VALUES ('it''s; fine', 1)
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("\"we;ird\" int)"))
        #expect(statements[1].contains("RAISE EXCEPTION 'no; way'; END; $$ LANGUAGE plpgsql"))
        #expect(statements[2].contains("$body$ SELECT 1; $body$"))
        #expect(statements[3] == "INSERT INTO t VALUES ('it''s; fine', 1)")
    }
}

@Suite("Database preflight")
struct PreflightTests {
    /// Fails fast with PostgreSQL's real reason, not a minute-long retry.
    @Test func reportsTheServersReasonQuickly() async throws {
        let admin = TestDatabase.adminEndpoint
        let start = ContinuousClock.now
        let unknownDatabase = await #expect(throws: DatabaseUnavailable.self) {
            try await Database.preflight(admin.with(database: "no_such_db_xyz"), logger: TestDatabase.logger)
        }
        #expect(unknownDatabase?.reason.contains("no_such_db_xyz") == true, "\(String(describing: unknownDatabase))")

        var wrongUser = admin
        wrongUser.username = "nobody_here"
        let role = await #expect(throws: DatabaseUnavailable.self) {
            try await Database.preflight(wrongUser, logger: TestDatabase.logger)
        }
        #expect(role?.reason.contains("nobody_here") == true, "\(String(describing: role))")

        var closedPort = admin
        closedPort.port = 9  // discard port: nothing listens
        let refused = await #expect(throws: DatabaseUnavailable.self) {
            try await Database.preflight(closedPort, logger: TestDatabase.logger)
        }
        #expect(refused?.reason.lowercased().contains("refused") == true, "\(String(describing: refused))")
        // The failure this guards against is PostgresClient's retry loop (about a minute per
        // call). Three refusals take well under a second on an idle machine; the bound leaves
        // room for a 2-core machine running other builds and suites at once (20.08 s seen).
        #expect(ContinuousClock.now - start < .seconds(45))
    }
}

@Suite("Migrator sets and folders")
struct MigratorSetsTests {
    @Test func twoOwnersWithOneVersionAreRefusedNamingBothFiles() {
        let queue = [Migrator.Migration(version: 2, name: "jobs", sql: "SELECT 1;")]
        let application = [Migrator.Migration(version: 2, name: "accounts", sql: "SELECT 2;")]
        let error = #expect(throws: Migrator.DuplicateVersion.self) { try Migrator(sets: [queue, application]) }
        #expect(error?.files == ["0002_jobs.sql", "0002_accounts.sql"])
        let merged = try? Migrator(sets: [[.init(version: 5, name: "b", sql: "")], [.init(version: 3, name: "a", sql: "")]])
        #expect(merged?.migrations.map(\.version) == [3, 5], "applied in version order whatever their owner")
    }

    /// A build without its migrations must not start as if the schema had none.
    @Test func aMissingOrEmptyFolderIsAnErrorNotAnEmptyList() throws {
        #expect(throws: Migrator.UnreadableMigrations.self) { try Migrator.migrations(in: nil) }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        let error = #expect(throws: Migrator.UnreadableMigrations.self) { try Migrator.migrations(in: missing) }
        #expect(error?.path == missing.path)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        try Data("notes".utf8).write(to: empty.appendingPathComponent("README.md"))
        #expect(throws: Migrator.UnreadableMigrations.self) { try Migrator.migrations(in: empty) }
        try Data("CREATE TABLE t (x int);".utf8).write(to: empty.appendingPathComponent("0007_tabla.sql"))
        #expect(try Migrator.migrations(in: empty).map(\.fileName) == ["0007_tabla.sql"])
    }
}
