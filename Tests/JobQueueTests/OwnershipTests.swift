import Foundation
@testable import JobQueue
import Logging
import PostgresNIO
import Synchronization
import Testing
import QueueTestSupport

/// Every state change of a running job belongs to the attempt that owns it: a late result of
/// a rescued attempt changes nothing, an attempt past its timeout that ignores cancellation
/// is rescued, a kind this process does not know survives.
@Suite("Queue: an attempt's result counts only while it owns the job")
struct OwnershipTests {
    @Test func aStaleCompletionAfterARescueChangesNothing() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, catalog: catalog(JobKindPolicy(kind: "k")), logger: QueueTestDatabase.logger)
            let id = try await client.insert(NewJob(kind: "k")).id
            // Attempt 1 ran on A, was rescued, and attempt 2 now runs on B.
            try await db.client.query("UPDATE jobs SET state = 'running', attempt = 2, attempted_by = 'B', heartbeat_at = now() WHERE id = \(id)")
            let stale = JobCompleter(client: db.client, workerID: "A", pipelines: nil, logger: QueueTestDatabase.logger)
            for result in [
                JobResult.completed(id: id, attempt: 1),
                .failed(id: id, attempt: 1, error: "late", failedAt: Date(), retryAt: Date()),
                .snoozed(id: id, attempt: 1, until: Date()), .givenBack(id: id, attempt: 1),
            ] {
                stale.add(result)
                await stale.flushAll()
                let job = try #require(try await client.job(id: id))
                #expect(job.state == .running && job.attempt == 2 && job.errors.isEmpty, "\(result)")
            }
            #expect(stale.pendingIDs.isEmpty)
            // Even A's result for the right attempt number is not B's.
            stale.add(.completed(id: id, attempt: 2))
            await stale.flushAll()
            #expect(try await client.job(id: id)?.state == .running)
            let owner = JobCompleter(client: db.client, workerID: "B", pipelines: nil, logger: QueueTestDatabase.logger)
            owner.add(.completed(id: id, attempt: 2))
            await owner.flushAll()
            #expect(try await client.job(id: id)?.state == .completed)
        }
    }

    /// The work of attempt 1 ignores its cancellation (a call already in flight) and ends
    /// only after 3 s: past its 0.2 s timeout the job stops heartbeating, the rescuer takes
    /// it, attempt 2 completes it, and attempt 1's late result changes nothing.
    @Test func anAttemptThatIgnoresItsTimeoutIsRescuedAndItsLateResultIgnored() async throws {
        try await QueueTestDatabase.with { db async throws in
            var policy = JobKindPolicy(kind: "stubborn")
            policy.timeoutSeconds = 0.2
            policy.maxAttempts = 5
            policy.backoff = .init(baseSeconds: 0, maxSeconds: 0, jitter: 0)
            let lateEnded = Atomic<Bool>(false)
            var workers = JobWorkers()
            workers.register(kind: "stubborn") { _, context in
                guard context.attempt == 1 else { return }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume() }
                }
                lateEnded.store(true, ordering: .relaxed)
            }
            var maintenance = JobMaintenance.Configuration(leaderID: "test")
            maintenance.schedulerInterval = .milliseconds(50)
            maintenance.rescuerInterval = .milliseconds(100)
            maintenance.rescueAfter = .seconds(1)
            try await withProcessor(db, catalog: catalog(policy), workers: workers, maintenance: maintenance) { _, client in
                let id = try await client.insert(NewJob(kind: "stubborn")).id
                try await waitUntil("completed by a second attempt while the first is stuck", timeout: .seconds(15)) {
                    try await client.job(id: id)?.state == .completed
                }
                let endedBeforeRescue = lateEnded.load(ordering: .relaxed)
                #expect(!endedBeforeRescue, "the rescue waited for the stuck attempt")
                try await waitUntil("the stuck attempt ended", timeout: .seconds(10)) { lateEnded.load(ordering: .relaxed) }
                try await Task.sleep(for: .milliseconds(500))  // its (stale) result reaches the completer
                let job = try #require(try await client.job(id: id))
                #expect(job.state == .completed && job.attempt == 2)
                #expect(job.errors.contains { $0.error.contains("rescued") })
            }
        }
    }

    @Test func aKindThisProcessDoesNotKnowIsSnoozedNotDiscarded() async throws {
        try await QueueTestDatabase.with { db async throws in
            var workers = JobWorkers()
            workers.register(kind: "known") { _, _ in }
            let c = catalog(JobKindPolicy(kind: "known"), JobKindPolicy(kind: "future.kind"))
            try await withProcessor(db, catalog: c, workers: workers) { processor, client in
                let id = try await client.insert(NewJob(kind: "future.kind")).id
                try await waitUntil("tried once") { processor.finishedCount.load(ordering: .relaxed) >= 1 }
                try await waitUntil("put back") { try await client.job(id: id)?.state == .scheduled }
                let job = try #require(try await client.job(id: id))
                #expect(job.attempt == 0 && job.errors.isEmpty)
                #expect(job.scheduledAt > Date().addingTimeInterval(30))
            }
        }
    }

    /// SIGTERM while an attempt ignores its cancellation (a call stuck on a dead connection):
    /// the process still stops, within the grace period plus `abandonAfter`, and the job is
    /// given back for another process.
    @Test func shutdownIsNotHeldUpByAnAttemptThatIgnoresItsCancellation() async throws {
        try await QueueTestDatabase.with { db async throws in
            var workers = JobWorkers()
            workers.register(kind: "wedged") { _, _ in
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 60) { continuation.resume() }
                }
            }
            let started = ContinuousClock.now
            try await withProcessor(
                db, catalog: catalog(JobKindPolicy(kind: "wedged")), workers: workers,
                configure: {
                    $0.shutdownGrace = .seconds(1)
                    $0.abandonAfter = .seconds(1)
                }
            ) { _, client in
                let id = try await client.insert(NewJob(kind: "wedged")).id
                try await waitUntil("running") { try await client.job(id: id)?.state == .running }
            }
            #expect(ContinuousClock.now - started < .seconds(15), "shutdown waited for the wedged attempt")
            #expect(try await count(db, "SELECT count(*)::int FROM jobs WHERE kind = 'wedged' AND state = 'available' AND attempt = 0") == 1)
        }
    }
}
