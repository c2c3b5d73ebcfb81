import Foundation
import Logging
import PostgresNIO
@testable import Storage
import Testing
import TestSupport

@Suite("Migrator")
struct MigratorTests {
    @Test func appliesEachMigrationOnceAndRecordsIt() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let migrator = Migrator()
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
                for _ in 0..<4 { group.addTask { try await Migrator().migrate(db.client, logger: TestDatabase.logger) } }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let all = results.flatMap { $0 }
            #expect(all.sorted() == Migrator().migrations.map(\.version))
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
        // room for a 2-core CI machine running the other suites in parallel.
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}
