import Foundation
import JobQueue
import PostgresNIO
import PostgresSupport
import Storage
import Testing
import TestSupport

/// The queue's migrations moved from Storage to JobQueue; the application migrates both in
/// one version space. A database migrated before the move upgrades without re-running or
/// re-checking anything, and keeps its jobs.
@Suite("Schema ownership: queue and application")
struct SchemaOwnershipTests {
    @Test func theQueueAndTheApplicationNeverShareAVersion() throws {
        let queue = Set(try JobQueueSchema.migrations().map(\.version))
        let application = Set(try StorageSchema.migrations().map(\.version))
        #expect(queue.isDisjoint(with: application))
        #expect(application.allSatisfy { !JobQueueSchema.newVersions.contains($0) }, "5000–5999 belong to the queue")
        #expect(queue.isSuperset(of: JobQueueSchema.historicVersions))
    }

    /// A database an older release migrated (the set of 0073: queue files then in Storage),
    /// with jobs and a pipeline run in it, then migrated by this build: the queue's files are
    /// recognised (no re-run, no checksum mismatch), only the newer application files apply,
    /// and the jobs are still there.
    @Test func aDatabaseMigratedBeforeTheMoveUpgradesAndKeepsItsJobs() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let all = try TestDatabase.migrator().migrations
            let older = Migrator(migrations: all.filter { $0.version <= 73 })
            try await older.migrate(db.client, logger: TestDatabase.logger)
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let kept = try await jobs.insertMany([
                NewJob(kind: "photo.check", argsJSON: #"{"photo_id":"x"}"#),
                NewJob(kind: "publication.rebuild", scheduledAt: Date().addingTimeInterval(3600)),
            ])
            try await db.client.query("INSERT INTO pipeline_runs (pipeline) VALUES ('candidacy-approved')")

            let current = try TestDatabase.migrator()
            let before = try await current.state(db.client, logger: TestDatabase.logger)
            #expect(before.changed.isEmpty && before.unknown.isEmpty)
            #expect(before.pending == all.map(\.version).filter { $0 > 73 })
            let applied = try await current.migrate(db.client, logger: TestDatabase.logger)
            #expect(applied == before.pending)
            #expect(applied.allSatisfy { !JobQueueSchema.historicVersions.contains($0) })

            let after = try await current.state(db.client, logger: TestDatabase.logger)
            try current.verify(after, requireCurrent: true)
            for id in kept.map(\.id) { #expect(try await jobs.job(id: id) != nil) }
            #expect(try await jobs.list(limit: 10).count == 2)
            // The rows the older release wrote for the queue's files stand as they were.
            let recorded = try await db.client.query(
                "SELECT version, checksum FROM schema_migrations WHERE version = ANY(\(Array(JobQueueSchema.historicVersions))) ORDER BY 1"
            ).collect().map { try $0.decode((Int, String).self) }
            let queue = try JobQueueSchema.migrations()
            #expect(recorded.map(\.0) == queue.map(\.version).filter { JobQueueSchema.historicVersions.contains($0) })
            #expect(recorded.allSatisfy { row in queue.first { $0.version == row.0 }?.checksum == row.1 })
        }
    }

    /// A database with the queue's schema alone (what JobQueueTests make), then migrated by
    /// the application: the application's files apply around the queue's without touching them.
    @Test func theQueueSchemaAloneIsAPartOfTheWhole() async throws {
        try await TestDatabase.with(migrate: false) { db in
            try await Migrator(migrations: JobQueueSchema.migrations()).migrate(db.client, logger: TestDatabase.logger)
            let applied = try await TestDatabase.migrator().migrate(db.client, logger: TestDatabase.logger)
            #expect(Set(applied) == Set(try StorageSchema.migrations().map(\.version)))
            let state = try await TestDatabase.migrator().state(db.client, logger: TestDatabase.logger)
            #expect(state.pending.isEmpty && state.changed.isEmpty && state.unknown.isEmpty)
        }
    }
}
