import Foundation
import PostgresNIO
@testable import PostgresSupport
import Storage
import Testing
import TestSupport

/// The expand-then-contract rule (`MigrationPolicy`, docs/OPERATIONS.md §5): CI refuses a new
/// migration that would break the previous release on the new schema, unless it is a marked
/// contract step; and concurrent index builds run outside a transaction.
@Suite("Migration policy")
struct MigrationPolicyTests {
    func migration(_ sql: String, version: Int = 90) -> Migrator.Migration {
        .init(version: version, name: "prueba", sql: sql)
    }

    /// The check CI runs: every migration after the grandfathered ones follows the rule.
    @Test func everyMigrationOfThisBuildAfterTheBaselineFollowsTheRule() throws {
        let bundled = try TestDatabase.migrator().migrations
        #expect(bundled.contains { $0.version == MigrationPolicy.grandfatheredThrough }, "the baseline is a real migration")
        let violations = MigrationPolicy.violations(in: bundled)
        #expect(
            violations.isEmpty,
            """
            Migraciones que romperían la versión anterior (docs/OPERATIONS.md §5):
            \(violations.map(\.description).joined(separator: "\n"))
            """)
    }

    /// The rule is real: the grandfathered 0029 (NOT NULL columns without defaults, a jsonb
    /// column turned into text), which broke the previous release, would be refused today.
    @Test func theMigrationThatBrokeOldProcessesWouldBeRefused() throws {
        let old = try #require(try TestDatabase.migrator().migrations.first { $0.version == 29 })
        let reasons = MigrationPolicy.violations(in: old).map(\.reason)
        #expect(reasons.contains { $0.hasPrefix("SET NOT NULL") })
        #expect(reasons.contains { $0.hasPrefix("cambio de tipo de columna") })
        #expect(reasons.contains { $0.hasPrefix("DROP") })
        // …and it is not checked, being older than the rule.
        #expect(MigrationPolicy.violations(in: [old]).isEmpty)
    }

    @Test(arguments: [
        ("ALTER TABLE candidacies DROP COLUMN email;", "DROP"),
        ("ALTER TABLE candidacies DROP email;", "DROP"),
        ("DROP TABLE IF EXISTS mail_deliveries;", "DROP"),
        ("ALTER TABLE candidacies ALTER COLUMN email DROP DEFAULT;", "DROP"),
        ("ALTER TABLE candidacies RENAME COLUMN email TO correo;", "RENAME"),
        ("ALTER TABLE accounts RENAME TO cuentas;", "RENAME"),
        ("ALTER TABLE published_documents ALTER COLUMN document TYPE text USING document::text;", "cambio de tipo"),
        ("ALTER TABLE published_documents ALTER document SET DATA TYPE jsonb;", "cambio de tipo"),
        ("ALTER TABLE candidacies ALTER COLUMN email SET NOT NULL;", "SET NOT NULL"),
        ("ALTER TABLE candidacies ADD COLUMN curp text NOT NULL;", "ADD COLUMN … NOT NULL sin DEFAULT"),
        ("alter table candidacies add column x int, add y text not null;", "ADD COLUMN … NOT NULL sin DEFAULT"),
        ("CREATE INDEX candidacies_email ON candidacies (email);", "CREATE INDEX sin CONCURRENTLY"),
        ("CREATE UNIQUE INDEX IF NOT EXISTS jobs_x ON public.jobs (id, kind);", "CREATE INDEX sin CONCURRENTLY"),
        ("CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_x ON jobs (kind);", "CONCURRENTLY no corre dentro de una transacción"),
    ])
    func aNonAdditiveOrBlockingChangeIsRefused(sql: String, reason: String) {
        let violations = MigrationPolicy.violations(in: [migration("-- Un cambio.\n" + sql)])
        #expect(violations.count == 1 && violations[0].reason.hasPrefix(reason), "\(violations)")
        #expect(violations.first?.file == "0090_prueba.sql")
    }

    @Test(arguments: [
        "ALTER TABLE candidacies ADD COLUMN curp text;",
        "ALTER TABLE candidacies ADD COLUMN verified boolean NOT NULL DEFAULT false, ADD COLUMN note text;",
        "ALTER TABLE candidacies ADD COLUMN n int GENERATED ALWAYS AS (1) STORED;",
        "ALTER TABLE candidacies ALTER COLUMN email DROP NOT NULL;",
        "ALTER TABLE candidacies ADD CONSTRAINT c_check CHECK (length(email) > 0 AND email IS NOT NULL) NOT VALID;",
        "CREATE TABLE nueva (id bigint PRIMARY KEY, x text NOT NULL); CREATE INDEX nueva_x ON nueva (x);",
        "CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE t; END $$;",
        "-- We never DROP or RENAME here.\nINSERT INTO settings (k, v) VALUES ('drop', 'rename');",
        "/* ALTER TABLE x RENAME TO y */ CREATE TABLE IF NOT EXISTS public.\"Nueva\" (x int); CREATE INDEX n ON \"Nueva\" (x);",
    ])
    func anAdditiveChangeIsAccepted(sql: String) {
        let violations = MigrationPolicy.violations(in: [migration(sql)])
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func aMarkedContractStepMayDropAndASmallTableMayBeIndexedPlainly() {
        let contract = migration(
            """
            -- Removes candidacies.old_email, unused since 0080 (two releases ago).
            -- contract: ninguna versión en uso lee old_email desde la 0080
            ALTER TABLE candidacies DROP COLUMN old_email;
            CREATE INDEX kinds ON job_kinds (kind);
            """)
        #expect(contract.header.contract == "ninguna versión en uso lee old_email desde la 0080")
        let reasons = MigrationPolicy.violations(in: [contract]).map(\.reason)
        #expect(reasons.count == 1 && reasons[0].hasPrefix("CREATE INDEX sin CONCURRENTLY"), "the contract covers the drop only")
        let small = migration("-- small-table: una fila por proceso electoral\nCREATE INDEX p ON election_processes (id);")
        #expect(MigrationPolicy.violations(in: [small]).isEmpty)
        // A directive needs its reason, and only counts in the header.
        #expect(migration("-- contract:\nDROP TABLE t;").header.contract == nil)
        #expect(migration("SELECT 1;\n-- contract: tarde\nDROP TABLE t;").header.contract == nil)
    }

    @Test func aNoTransactionMigrationHoldsOnlyRepeatableConcurrentIndexStatements() {
        let good = migration(
            """
            -- conoceles: no-transaction
            CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_kind ON jobs (kind);
            CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Jobs_Key" ON jobs (id, kind);
            """)
        #expect(!good.isTransactional)
        #expect(MigrationPolicy.violations(in: [good]).isEmpty)
        let mixed = migration(
            """
            -- conoceles: no-transaction
            CREATE INDEX CONCURRENTLY jobs_kind ON jobs (kind);
            ALTER TABLE jobs ADD COLUMN x int;
            DROP INDEX CONCURRENTLY IF EXISTS jobs_old;
            """)
        let reasons = MigrationPolicy.violations(in: [mixed]).map(\.reason)
        #expect(reasons.count == 3, "\(reasons)")
        #expect(reasons.filter { $0.hasPrefix("una migración «no-transaction»") }.count == 2)
        #expect(reasons.contains { $0.hasPrefix("DROP") }, "dropping an index is a contract step")
        #expect(Migrator.concurrentIndexName("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Jobs_Key\" ON jobs (id)") == "Jobs_Key")
        #expect(Migrator.concurrentIndexName("create index concurrently if not exists Jobs_Kind on jobs (kind)") == "jobs_kind")
        #expect(Migrator.concurrentIndexName("CREATE INDEX jobs_kind ON jobs (kind)") == nil)
    }
}

@Suite("Migrator without a transaction")
struct MigratorConcurrentIndexTests {
    let table = Migrator.Migration(version: 1, name: "tabla", sql: "CREATE TABLE items (id int PRIMARY KEY, code text);")
    let index = Migrator.Migration(
        version: 2, name: "indice",
        sql: """
            -- conoceles: no-transaction
            CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_code ON items (code);
            """)

    func indexState(_ db: Database) async throws -> [Bool] {
        try await db.client.query(
            """
            SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'items_code'
            """
        ).decode(Bool.self).reduce(into: []) { $0.append($1) }
    }

    /// CREATE INDEX CONCURRENTLY cannot run in a transaction block: the migrator runs it alone
    /// and records it; the index is valid.
    @Test func aConcurrentIndexIsBuiltOutsideATransactionAndRecorded() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let applied = try await Migrator(migrations: [table, index]).migrate(db.client, logger: TestDatabase.logger)
            #expect(applied == [1, 2])
            #expect(try await indexState(db) == [true])
            let state = try await Migrator(migrations: [table, index]).state(db.client, logger: TestDatabase.logger)
            #expect(state.pending.isEmpty && state.changed.isEmpty)
        }
    }

    /// A build that failed (duplicates) leaves an INVALID index and no record; once the data
    /// are fixed, the next run drops the invalid leftover and builds it again.
    @Test func aFailedConcurrentBuildIsNotRecordedAndIsRebuiltOnTheNextRun() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: [table]).migrate(db.client, logger: TestDatabase.logger)
            try await db.client.query("INSERT INTO items VALUES (1, 'a'), (2, 'a')")
            let error = await #expect(throws: Migrator.MigrationFailed.self) {
                try await Migrator(migrations: [table, index]).migrate(db.client, logger: TestDatabase.logger)
            }
            #expect(error?.version == 2)
            #expect(try await indexState(db) == [false], "PostgreSQL leaves the failed concurrent build INVALID")
            let state = try await Migrator(migrations: [table, index]).state(db.client, logger: TestDatabase.logger)
            #expect(state.pending == [2])
            try await db.client.query("UPDATE items SET code = 'b' WHERE id = 2")
            let applied = try await Migrator(migrations: [table, index]).migrate(db.client, logger: TestDatabase.logger)
            #expect(applied == [2])
            #expect(try await indexState(db) == [true])
        }
    }
}
