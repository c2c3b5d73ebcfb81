import Foundation
import JobQueue
import PostgresNIO
import PostgresSupport
import QueueTestSupport
import Testing

/// The queue owns its schema (`JobQueueSchema`): its files ship with the target, keep the
/// numbers and text they had when they lived with the application's migrations (so databases
/// migrated before record them already), and new ones follow the expand/contract rule.
@Suite("JobQueue schema")
struct JobQueueSchemaTests {
    /// SHA-256 of the queue's files as every database migrated before the split recorded them
    /// in `schema_migrations` (computed from main at commit e94880f). A different text would
    /// stop every existing deployment at start-up (`SchemaMismatch.changed`).
    static let recordedChecksums: [Int: String] = [
        2: "9628755aa89484f5fa8b2aa5f4ff3b787f73d369b4ed2aab7346fa9a311622da",
        12: "e9e0789dda797dc2eb1f877d136748b02ea88c8f367b249965fe21550cb8fff6",
        31: "1bfa279b330d6cabec3544d009a6e7121856861b12718bab17db04e89319cf96",
        70: "c4d4cb5ee9c02f88b70408c72aae11063ae1f9da83767a526b83881f188ee2b4",
    ]

    @Test func theHistoricMigrationsKeepTheirNumbersNamesAndChecksums() throws {
        let migrations = try JobQueueSchema.migrations()
        let historic = migrations.filter { JobQueueSchema.historicVersions.contains($0.version) }
        #expect(Set(historic.map(\.version)) == JobQueueSchema.historicVersions)
        for migration in historic {
            #expect(migration.checksum == Self.recordedChecksums[migration.version], "\(migration.fileName) changed")
        }
        #expect(
            historic.map(\.fileName) == [
                "0002_jobs.sql", "0012_jobs_fewer_indexes.sql", "0031_jobs_unique_key_lookup.sql", "0070_pipeline_runs_pruning.sql",
            ])
    }

    @Test func newQueueMigrationsTakeNumbersInTheQueueRangeAndFollowThePolicy() throws {
        let migrations = try JobQueueSchema.migrations()
        for migration in migrations where !JobQueueSchema.historicVersions.contains(migration.version) {
            #expect(JobQueueSchema.newVersions.contains(migration.version), "\(migration.fileName) outside 5000–5999")
        }
        #expect(MigrationPolicy.violations(in: migrations).isEmpty)
        // The rule reaches the queue's range: a blocking change there is refused.
        let risky = Migrator.Migration(
            version: JobQueueSchema.newVersions.lowerBound, name: "prueba",
            sql: "ALTER TABLE jobs DROP COLUMN tags;\nCREATE INDEX jobs_tags_idx ON jobs (kind);")
        let reasons = MigrationPolicy.violations(in: [risky]).map(\.reason)
        #expect(reasons.contains { $0.hasPrefix("DROP") })
        #expect(reasons.contains { $0.hasPrefix("CREATE INDEX sin CONCURRENTLY") })
    }

    /// The queue's tests run on the queue's schema alone: the tables the engine uses exist
    /// and a job goes in and out.
    @Test func theQueueRunsOnItsOwnSchema() async throws {
        try await QueueTestDatabase.with { db in
            let tables = try await db.client.query(
                """
                SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' ORDER BY 1
                """
            ).collect().map { try $0.decode(String.self) }
            #expect(tables == ["job_leaders", "jobs", "pipeline_runs"])
            let jobs = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let inserted = try await jobs.insert(NewJob(kind: "schema.test"))
            #expect(try await jobs.job(id: inserted.id)?.state == .available)
        }
    }
}
