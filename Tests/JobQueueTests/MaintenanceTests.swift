import Foundation
@testable import JobQueue
import PostgresNIO
import Testing
import QueueTestSupport

@Suite("Maintenance")
struct MaintenanceTests {
    func maintenance(
        _ db: TestPostgres, _ id: String, catalog: JobCatalog = JobCatalog(), clock: @escaping @Sendable () -> Date = Date.init,
        _ configure: (inout JobMaintenance.Configuration) -> Void = { _ in }
    ) -> JobMaintenance {
        var config = JobMaintenance.Configuration(leaderID: id)
        configure(&config)
        return JobMaintenance(client: db.client, catalog: catalog, configuration: config, logger: QueueTestDatabase.logger, clock: clock)
    }

    /// An election that fails is an error in the log, and the process stops acting as the
    /// leader (it could not renew its lease); before, `try?` read it as "not leader" silently.
    @Test func aFailedElectionIsLoggedAndStepsDown() async throws {
        try await QueueTestDatabase.with { db async throws in
            let recorder = LogRecorder()
            let a = JobMaintenance(
                client: db.client, catalog: JobCatalog(), configuration: .init(leaderID: "a"),
                logger: recorder.logger())
            #expect(await a.electionRound(wasLeader: false), "elected while the lease table is there")
            try await db.client.query("DROP TABLE job_leaders")
            #expect(await !a.electionRound(wasLeader: true))
            let errors = recorder.recorded.filter { $0.level == .error }
            #expect(errors.map(\.message) == ["maintenance leader election failed"])
            #expect(errors.first?.metadata["error"]?.contains("job_leaders") == true)
            #expect(errors.first?.metadata["was_leader"] == "true")
            #expect(recorder.recorded.contains { $0.message == "lost maintenance leadership" })
            await a.leadership.resign()
            #expect(recorder.recorded.contains { $0.level == .warning && $0.message.hasPrefix("maintenance lease not given up") })
        }
    }

    @Test func oneLeaderAtATimeAndTheOtherTakesOverAfterResign() async throws {
        try await QueueTestDatabase.with { db async throws in
            let a = maintenance(db, "a").leadership, b = maintenance(db, "b").leadership
            #expect(try await a.attemptElectOrReelect())
            #expect(try await !b.attemptElectOrReelect())
            #expect(try await a.attemptElectOrReelect(), "the leader renews its lease")
            await a.resign()
            #expect(try await b.attemptElectOrReelect())
            #expect(try await !a.attemptElectOrReelect())
        }
    }

    @Test func anExpiredLeaseIsTakenOver() async throws {
        try await QueueTestDatabase.with { db async throws in
            let a = maintenance(db, "a").leadership, b = maintenance(db, "b").leadership
            #expect(try await a.attemptElectOrReelect())
            try await db.client.query("UPDATE job_leaders SET expires_at = now() - interval '1 second'")
            #expect(try await b.attemptElectOrReelect())
        }
    }

    /// A worker died mid-job (its heartbeat stopped): the rescuer retries the job, or
    /// discards it when it had used its attempts.
    @Test func rescuerRetriesOrphanedJobs() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let orphan = try await client.insert(NewJob(kind: "x", maxAttempts: 3)).id
            let lastChance = try await client.insert(NewJob(kind: "x", maxAttempts: 1)).id
            let healthy = try await client.insert(NewJob(kind: "x")).id
            try await db.client.query(
                """
                UPDATE jobs SET state = 'running', attempt = 1, attempted_by = 'dead-worker', attempted_at = now(),
                       heartbeat_at = CASE WHEN id = \(healthy) THEN now() ELSE now() - interval '5 minutes' END
                """)
            #expect(try await maintenance(db, "m").rescueOnce() == 2)
            let o = try #require(try await client.job(id: orphan))
            #expect(o.state == .retryable)
            #expect(o.errors.first?.error.contains("dead-worker") == true)
            #expect(try await client.job(id: lastChance)?.state == .discarded)
            #expect(try await client.job(id: healthy)?.state == .running)
        }
    }

    @Test func schedulerMakesDueJobsAvailable() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let due = try await client.insert(NewJob(kind: "x", scheduledAt: Date().addingTimeInterval(60))).id
            let notYet = try await client.insert(NewJob(kind: "x", scheduledAt: Date().addingTimeInterval(3_600))).id
            try await db.client.query("UPDATE jobs SET scheduled_at = now() - interval '1 second' WHERE id = \(due)")
            #expect(try await maintenance(db, "m").scheduleOnce() == 1)
            #expect(try await client.job(id: due)?.state == .available)
            #expect(try await client.job(id: notYet)?.state == .scheduled)
        }
    }

    /// The pruner deletes finalized jobs past their retention, in batches, and nothing else.
    @Test func prunerKeepsTheTableBounded() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            try await client.insertMany((0..<2_500).map { _ in NewJob(kind: "old") })
            try await client.insertMany((0..<10).map { _ in NewJob(kind: "pending") })
            try await db.client.query(
                """
                UPDATE jobs SET state = 'completed', finalized_at = now() - interval '2 days' WHERE kind = 'old'
                """)
            try await db.client.query(
                """
                UPDATE jobs SET state = 'discarded', finalized_at = now() - interval '2 days'
                 WHERE id IN (SELECT id FROM jobs WHERE kind = 'old' ORDER BY id LIMIT 100)
                """)
            let pruned = try await maintenance(db, "m", { $0.batchSize = 1_000 }).pruneOnce()
            #expect(pruned == 2_400, "discarded jobs are kept longer (7 days)")
            #expect(try await count(db, "SELECT count(*)::int FROM jobs") == 110)
        }
    }

    /// Two leaders (a split brain, or a check twice in one minute) enqueue each tick once.
    @Test func cronFiresOncePerTickWithCompetingLeaders() async throws {
        try await QueueTestDatabase.with { db async throws in
            let zone = TimeZone(identifier: "America/Mexico_City")!
            let schedules = [
                try CronSchedule(name: "every-minute", kind: "tick", expression: "* * * * *", timeZone: zone),
                try CronSchedule(name: "never-now", kind: "tick", expression: "0 0 1 1 *", timeZone: zone),
            ]
            let cat = JobCatalog(queues: ["default": 1], schedules: schedules)
            let t0 = Date(timeIntervalSince1970: 1_717_300_000)  // 2024-06-01 21:46:40 CST
            let a = maintenance(db, "a", catalog: cat, clock: { t0 })
            let b = maintenance(db, "b", catalog: cat, clock: { t0.addingTimeInterval(15) })
            async let x = a.enqueueCronOnce()
            async let y = b.enqueueCronOnce()
            #expect(try await x + y == 1)
            #expect(try await a.enqueueCronOnce() == 0)
            let next = maintenance(db, "a", catalog: cat, clock: { t0.addingTimeInterval(60) })
            #expect(try await next.enqueueCronOnce() == 1)
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'tick'") == 2)
        }
    }
}

@Suite("CronSchedule")
struct CronScheduleTests {
    let zone = TimeZone(identifier: "America/Mexico_City")!

    func date(_ text: String) -> Date {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        f.timeZone = zone
        return f.date(from: text)!
    }

    @Test func matchesFieldsInItsTimeZone() throws {
        let daily = try CronSchedule(name: "d", kind: "k", expression: "30 6 * * *", timeZone: zone)
        #expect(daily.matches(date("2024-04-10 06:30")))
        #expect(!daily.matches(date("2024-04-10 06:31")))
        #expect(!daily.matches(date("2024-04-10 12:30")))
        let steps = try CronSchedule(name: "s", kind: "k", expression: "*/15 8-18 * 4,5 1-5", timeZone: zone)
        #expect(steps.matches(date("2024-04-10 08:45")))  // Wednesday in April
        #expect(!steps.matches(date("2024-04-13 08:45")))  // Saturday
        #expect(!steps.matches(date("2024-06-10 08:45")))  // June
        #expect(!steps.matches(date("2024-04-10 08:50")))
        let sunday = try CronSchedule(name: "w", kind: "k", expression: "0 0 * * 7", timeZone: zone)
        #expect(sunday.matches(date("2024-04-14 00:00")))
    }

    @Test(arguments: ["* * * *", "60 * * * *", "* 24 * * *", "*/0 * * * *", "a * * * *", "5-1 * * * *"])
    func refusesInvalidExpressions(_ expression: String) {
        #expect(throws: CronSchedule.ParseError.self) {
            try CronSchedule(name: "x", kind: "k", expression: expression, timeZone: zone)
        }
    }
}
