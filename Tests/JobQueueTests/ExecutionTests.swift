import Foundation
@testable import JobQueue
import PostgresNIO
import Synchronization
import Testing
import QueueTestSupport

@Suite("Execution")
struct ExecutionTests {
    @Test func runsJobsAndCompletesThem() async throws {
        try await QueueTestDatabase.with { db async throws in
            let seen = Mutex<[Int]>([])
            var workers = JobWorkers()
            workers.register(kind: "sum") { json, _ in
                let p = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
                seen.withLock { $0.append(p.n) }
            }
            try await withProcessor(db, catalog: catalog(JobKindPolicy(kind: "sum")), workers: workers) { _, client in
                try await client.insertMany((1...200).map { try NewJob(kind: "sum", args: Payload(n: $0)) })
                try await waitUntil("200 completed") {
                    try await count(db, "SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 200
                }
            }
            #expect(seen.withLock { $0.sorted() } == Array(1...200), "each job ran exactly once")
        }
    }

    /// Failures retry with growing backoff; after the last attempt the job is discarded
    /// with one error per attempt.
    @Test func retriesWithBackoffThenDiscards() async throws {
        try await QueueTestDatabase.with { db async throws in
            var policy = JobKindPolicy(kind: "flaky")
            policy.maxAttempts = 3
            policy.backoff = .init(baseSeconds: 0.3, maxSeconds: 10, jitter: 0)
            var workers = JobWorkers()
            workers.register(kind: "flaky") { _, context in
                struct Failure: Error, CustomStringConvertible { let description: String }
                throw Failure(description: "fallo en el intento \(context.attempt)")
            }
            let c = catalog(policy)
            let maintenance = {
                var m = JobMaintenance.Configuration(leaderID: "test")
                m.schedulerInterval = .milliseconds(50)
                return m
            }()
            let id = try await withProcessor(db, catalog: c, workers: workers, maintenance: maintenance) { _, client in
                let id = try await client.insert(NewJob(kind: "flaky")).id
                try await waitUntil("discarded") { try await client.job(id: id)?.state == .discarded }
                return id
            }
            let job = try #require(try await JobClient(client: db.client, logger: QueueTestDatabase.logger).job(id: id))
            #expect(job.attempt == 3)
            #expect(job.errors.map(\.attempt) == [1, 2, 3])
            #expect(job.errors.map(\.error) == ["fallo en el intento 1", "fallo en el intento 2", "fallo en el intento 3"])
            #expect(job.finalizedAt != nil)
            // Backoff 0.3 s then 0.6 s (no jitter): the gaps between failures grow.
            let gaps = zip(job.errors.dropFirst(), job.errors).map { $0.at.timeIntervalSince($1.at) }
            #expect(gaps[0] >= 0.3 && gaps[1] >= 0.6, "gaps: \(gaps)")
        }
    }

    @Test func backoffGrowsExponentiallyWithBoundedJitter() {
        let b = JobKindPolicy.Backoff(baseSeconds: 2, maxSeconds: 100, jitter: 0.2)
        #expect(b.delay(afterAttempt: 1, random: 0) == 2)
        #expect(b.delay(afterAttempt: 3, random: 0) == 8)
        #expect(b.delay(afterAttempt: 10, random: 0) == 100)
        #expect(b.delay(afterAttempt: 3, random: 1) == 8 * 1.2)
        #expect(b.delay(afterAttempt: 3, random: -1) == 8 * 0.8)
        for _ in 0..<100 { #expect((6.4...9.6).contains(b.delay(afterAttempt: 3))) }
    }

    @Test func aScheduledJobDoesNotRunEarly() async throws {
        try await QueueTestDatabase.with { db async throws in
            let ranAt = Mutex<Date?>(nil)
            var workers = JobWorkers()
            workers.register(kind: "later") { _, _ in ranAt.withLock { $0 = Date() } }
            var maintenance = JobMaintenance.Configuration(leaderID: "test")
            maintenance.schedulerInterval = .milliseconds(50)
            let due = Date().addingTimeInterval(1.0)
            try await withProcessor(db, catalog: catalog(JobKindPolicy(kind: "later")), workers: workers, maintenance: maintenance) { _, client in
                let id = try await client.insert(NewJob(kind: "later", scheduledAt: due)).id
                try await waitUntil("completed") { try await client.job(id: id)?.state == .completed }
            }
            let at = try #require(ranAt.withLock { $0 })
            #expect(at >= due)
            #expect(at.timeIntervalSince(due) < 1.0, "ran \(at.timeIntervalSince(due)) s late")
        }
    }

    @Test func aJobPastItsTimeoutIsCancelledAndRetried() async throws {
        try await QueueTestDatabase.with { db async throws in
            var policy = JobKindPolicy(kind: "slow")
            policy.timeoutSeconds = 0.2
            policy.maxAttempts = 2
            policy.backoff = .init(baseSeconds: 0, maxSeconds: 0, jitter: 0)
            var workers = JobWorkers()
            workers.register(kind: "slow") { _, context in
                if context.attempt == 1 { try await Task.sleep(for: .seconds(30)) }
            }
            var maintenance = JobMaintenance.Configuration(leaderID: "test")
            maintenance.schedulerInterval = .milliseconds(50)
            try await withProcessor(db, catalog: catalog(policy), workers: workers, maintenance: maintenance) { _, client in
                let id = try await client.insert(NewJob(kind: "slow")).id
                try await waitUntil("completed on the second attempt") { try await client.job(id: id)?.state == .completed }
                let job = try #require(try await client.job(id: id))
                #expect(job.attempt == 2)
                #expect(job.errors.first?.error.contains("timeout") == true)
            }
        }
    }

    @Test func cancelDiscardsAtOnceAndSnoozeDoesNotCountAnAttempt() async throws {
        try await QueueTestDatabase.with { db async throws in
            var workers = JobWorkers()
            workers.register(kind: "hopeless") { _, _ in throw JobCancel("la candidatura no existe") }
            let snoozes = Atomic<Int>(0)
            workers.register(kind: "sleepy") { _, _ in
                if snoozes.add(1, ordering: .relaxed).newValue == 1 { throw JobSnooze(seconds: 0.1) }
            }
            var maintenance = JobMaintenance.Configuration(leaderID: "test")
            maintenance.schedulerInterval = .milliseconds(50)
            let c = catalog(JobKindPolicy(kind: "hopeless"), JobKindPolicy(kind: "sleepy"))
            try await withProcessor(db, catalog: c, workers: workers, maintenance: maintenance) { _, client in
                let hopeless = try await client.insert(NewJob(kind: "hopeless")).id
                let sleepy = try await client.insert(NewJob(kind: "sleepy")).id
                try await waitUntil("both ended") {
                    let h = try await client.job(id: hopeless)?.state
                    let s = try await client.job(id: sleepy)?.state
                    return h == .discarded && s == .completed
                }
                let h = try #require(try await client.job(id: hopeless))
                #expect(h.attempt == 1 && h.errors.map(\.error) == ["la candidatura no existe"])
                #expect(try await client.job(id: sleepy)?.attempt == 1)
            }
        }
    }

    /// Staff cancel a running job: the worker stops it at its next heartbeat; it stays cancelled.
    @Test func cancellingARunningJob() async throws {
        try await QueueTestDatabase.with { db async throws in
            let stopped = Atomic<Bool>(false)
            var workers = JobWorkers()
            workers.register(kind: "long") { _, _ in
                do { try await Task.sleep(for: .seconds(30)) } catch { stopped.store(true, ordering: .relaxed); throw error }
            }
            try await withProcessor(db, catalog: catalog(JobKindPolicy(kind: "long")), workers: workers) { _, client in
                let id = try await client.insert(NewJob(kind: "long")).id
                try await waitUntil("running") { try await client.job(id: id)?.state == .running }
                #expect(try await client.cancel(id: id))
                try await waitUntil("the attempt stopped") { stopped.load(ordering: .relaxed) }
                #expect(try await client.job(id: id)?.state == .cancelled)
            }
        }
    }

    /// SIGTERM while jobs run: short jobs finish, long ones are cancelled after the grace
    /// period and go back to the queue without losing an attempt. Nothing stays `running`,
    /// nothing is lost.
    @Test func gracefulShutdownLosesNothing() async throws {
        try await QueueTestDatabase.with { db async throws in
            var workers = JobWorkers()
            workers.register(kind: "short") { _, _ in try await Task.sleep(for: .milliseconds(300)) }
            workers.register(kind: "endless") { _, _ in try await Task.sleep(for: .seconds(60)) }
            let c = catalog(JobKindPolicy(kind: "short"), JobKindPolicy(kind: "endless"))
            try await withProcessor(db, catalog: c, workers: workers, configure: { $0.shutdownGrace = .seconds(1) }) { _, client in
                try await client.insertMany((0..<5).map { _ in NewJob(kind: "short") } + [NewJob(kind: "endless")])
                try await waitUntil("all six running") {
                    try await count(db, "SELECT count(*)::int FROM jobs WHERE state = 'running'") == 6
                }
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'short' AND state = 'completed'") == 5)
            // Given back: available again, the interrupted attempt not counted against it.
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'endless' AND state = 'available' AND attempt = 0") == 1)
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE state = 'running'") == 0)
        }
    }

    /// Results still buffered in the completer when shutdown begins are written, not
    /// dropped (a cancelled completer could not query, leaving the jobs `running`).
    @Test func shutdownRightAfterTheLastJobWritesEveryResult() async throws {
        try await QueueTestDatabase.with { db async throws in
            var workers = JobWorkers()
            workers.register(kind: "noop") { _, _ in }
            let jobs = 3_000
            let c = catalog(JobKindPolicy(kind: "noop"), concurrency: 500)
            try await withProcessor(db, catalog: c, workers: workers) { processor, client in
                try await client.insertMany((0..<jobs).map { _ in NewJob(kind: "noop") })
                try await waitUntil("every job ran") { processor.finishedCount.load(ordering: .relaxed) == jobs }
            }
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE state = 'completed'") == jobs)
        }
    }

    /// Two processors on one queue never run the same job twice.
    @Test func twoProcessorsShareTheWorkWithoutDuplicates() async throws {
        try await QueueTestDatabase.with { db async throws in
            let runs = Mutex<[Int: Int]>([:])
            var registry = JobWorkers()
            registry.register(kind: "once") { json, _ in
                let p = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
                runs.withLock { $0[p.n, default: 0] += 1 }
            }
            let workers = registry
            let c = catalog(JobKindPolicy(kind: "once"), concurrency: 4)
            try await withProcessor(db, catalog: c, workers: workers, configure: { $0.workerID = "a" }) { _, client in
                try await withProcessor(db, catalog: c, workers: workers, configure: { $0.workerID = "b" }) { _, _ in
                    try await client.insertMany((0..<400).map { try NewJob(kind: "once", args: Payload(n: $0)) })
                    try await waitUntil("all completed") {
                        try await count(db, "SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 400
                    }
                }
            }
            #expect(runs.withLock { $0.count } == 400)
            #expect(runs.withLock { $0.values.allSatisfy { $0 == 1 } })
            #expect(try await count(db, "SELECT count(DISTINCT attempted_by)::int FROM jobs") == 2)
        }
    }
}
