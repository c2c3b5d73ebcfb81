import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Writes attempt results in batches: whatever accumulated while the previous write ran
/// goes in the next one, so a busy worker needs few round trips and an idle one adds no
/// delay. Only rows still `running` the same attempt of this worker are touched (a job
/// cancelled, or rescued and fetched again meanwhile, keeps its new state). Results waiting
/// to be written are still this worker's: `pendingIDs` keeps them in the heartbeat.
final class JobCompleter: Sendable {
    private let client: PostgresClient
    private let logger: Logger
    /// `attempted_by` of this process's attempts.
    private let workerID: String
    private let buffer = Mutex<[JobResult]>([])
    private let pending = Mutex<Set<Int64>>([])
    /// The longest one write may wait for PostgreSQL.
    private let statementDeadline: Duration
    /// Since when writes have been failing (nil while they succeed).
    private let failingSince = Mutex<ContinuousClock.Instant?>(nil)
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let pipelines: PipelineEngine?

    init(
        client: PostgresClient, workerID: String, pipelines: PipelineEngine?, statementDeadline: Duration = .seconds(30),
        logger: Logger
    ) {
        self.client = client
        self.workerID = workerID
        self.statementDeadline = statementDeadline
        self.pipelines = pipelines
        self.logger = logger
    }

    func add(_ result: JobResult) {
        pending.withLock { _ = $0.insert(result.id) }
        buffer.withLock { $0.append(result) }
        wake.signal()
    }

    /// Jobs whose result is not written yet: they keep heartbeating until it is, unless
    /// writes have been failing for two statement deadlines (a wedged connection): then they
    /// are left to the rescuer, and at-least-once runs them elsewhere.
    var pendingIDs: Set<Int64> {
        if let failing = failingFor, failing > statementDeadline * 2 { return [] }
        return pending.withLock { $0 }
    }

    /// How long writes have been failing, or nil while they succeed.
    var failingFor: Duration? {
        failingSince.withLock { $0.map { ContinuousClock.now - $0 } }
    }

    /// Flushes until `stop()`, then flushes what is left. It is stopped by a flag, not by
    /// cancellation: PostgresNIO refuses queries from a cancelled task, so a cancelled
    /// completer could not write its last results (the jobs would stay `running` until rescued).
    func run() async {
        while !stopping.load(ordering: .acquiring) {
            await wake.wait()
            await flushAll()
        }
        await flushAll()
    }

    /// Ends `run()` once everything added so far is written.
    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Writes everything buffered now; on a database error keeps the results and retries.
    func flushAll() async {
        while true {
            let batch = buffer.withLock { buffer -> [JobResult] in
                defer { buffer.removeAll(keepingCapacity: true) }
                return buffer
            }
            guard !batch.isEmpty else { return }
            var attempt = 0
            while true {
                do {
                    try await Deadline.run(limit: statementDeadline) { try await self.write(batch) }
                    pending.withLock { pending in for result in batch { pending.remove(result.id) } }
                    failingSince.withLock { $0 = nil }
                    break
                } catch {
                    failingSince.withLock { $0 = $0 ?? .now }
                    attempt += 1
                    logger.error(
                        "job results not written, retrying",
                        metadata: [
                            "error": "\(String(reflecting: error))", "results": "\(batch.count)", "try": "\(attempt)",
                        ])
                    // Keep trying: a result lost here would make the job run again after rescue.
                    try? await Task.sleep(for: .milliseconds(min(5_000, 100 * (1 << min(attempt, 6)))))
                    if attempt > 50 {
                        pending.withLock { pending in for result in batch { pending.remove(result.id) } }
                        return
                    }
                }
            }
        }
    }

    private func write(_ batch: [JobResult]) async throws {
        var completed: [(Int64, Int)] = []
        var failedIDs: [Int64] = [], failedAttempts: [Int] = [], failedStates: [String] = [], failedTimes: [Date] = []
        var failedErrors: [String] = [], failedAts: [Double] = []
        var snoozedIDs: [Int64] = [], snoozedAttempts: [Int] = [], snoozedTimes: [Date] = []
        for result in batch {
            switch result {
            case .completed(let id, let attempt):
                completed.append((id, attempt))
            case .failed(let id, let attempt, let error, let failedAt, let retryAt):
                failedIDs.append(id)
                failedAttempts.append(attempt)
                failedAts.append(failedAt.timeIntervalSince1970)
                failedStates.append(retryAt == nil ? "discarded" : "retryable")
                failedTimes.append(retryAt ?? Date())
                failedErrors.append(String(error.prefix(4_000)))
            case .snoozed(let id, let attempt, let until):
                snoozedIDs.append(id)
                snoozedAttempts.append(attempt)
                snoozedTimes.append(until)
            case .givenBack(let id, let attempt):
                snoozedIDs.append(id)
                snoozedAttempts.append(attempt)
                snoozedTimes.append(Date())
            }
        }
        let failures = Failures(
            ids: failedIDs, attempts: failedAttempts, states: failedStates, times: failedTimes,
            errors: failedErrors, failedAts: failedAts)
        // One transaction that first locks every row it writes in id order: the heartbeat
        // (`JobProcessor`) locks the same rows in the same order, so the two never deadlock
        // (they did, with 40P01, when each took its rows in its own plan's order). Pipeline
        // steps need their successors inserted in the completing transaction, and only for the
        // results that were written (a stale one advances nothing).
        try await client.withTransaction(logger: logger) { tx in
            try await Self.lockInOrder(completed.map(\.0) + failedIDs + snoozedIDs, on: tx, logger: logger)
            let done = try await Self.complete(completed, worker: workerID, on: tx, logger: logger)
            let failed = try await Self.fail(failures, worker: workerID, on: tx, logger: logger)
            if let pipelines, !done.isEmpty || !failed.isEmpty {
                try await pipelines.advance(completed: done, failed: failed, on: tx)
            }
            if !snoozedIDs.isEmpty {
                // Snoozed or given back: the attempt is not counted; `scheduled` until `until`
                // (the scheduler makes it available), or available at once when it is due.
                try await tx.query(
                    """
                    UPDATE jobs j SET state = CASE WHEN s.until <= now() THEN 'available' ELSE 'scheduled' END::job_state,
                                      scheduled_at = s.until, attempt = greatest(j.attempt - 1, 0)
                      FROM unnest(\(snoozedIDs)::bigint[], \(snoozedAttempts)::int4[], \(snoozedTimes)::timestamptz[]) AS s(id, attempt, until)
                     WHERE j.id = s.id AND j.state = 'running' AND j.attempt = s.attempt AND j.attempted_by = \(workerID)
                    """, logger: logger)
            }
        }
    }

    /// Failed attempts, column by column (the statement's arrays).
    struct Failures {
        var ids: [Int64], attempts: [Int], states: [String], times: [Date], errors: [String], failedAts: [Double]
    }

    /// Locks the rows of `ids` in ascending id order (the order every multi-row writer of
    /// running jobs takes).
    static func lockInOrder(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard ids.count > 1 else { return }
        try await connection.query(
            "SELECT id FROM jobs WHERE id = ANY(\(ids)::bigint[]) ORDER BY id FOR UPDATE", logger: logger)
    }

    /// Marks completed the jobs whose attempt is still this worker's; returns those written.
    static func complete(_ results: [(Int64, Int)], worker: String, on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        guard !results.isEmpty else { return [] }
        var written: [Int64] = []
        for try await id in try await connection.query(
            """
            UPDATE jobs j SET state = 'completed', finalized_at = now()
              FROM unnest(\(results.map(\.0))::bigint[], \(results.map(\.1))::int4[]) AS c(id, attempt)
             WHERE j.id = c.id AND j.state = 'running' AND j.attempt = c.attempt AND j.attempted_by = \(worker)
            RETURNING j.id
            """, logger: logger
        ).decode(Int64.self) { written.append(id) }
        if written.count < results.count {
            logger.warning(
                "stale job results ignored: the attempt no longer owns the job",
                metadata: [
                    "ignored": "\(results.count - written.count)"
                ])
        }
        return written
    }

    /// Marks failed (retryable or discarded) the jobs whose attempt is still this worker's;
    /// returns those written.
    static func fail(_ f: Failures, worker: String, on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        guard !f.ids.isEmpty else { return [] }
        var written: [Int64] = []
        for try await id in try await connection.query(
            """
            UPDATE jobs j
               SET state = f.state::job_state,
                   scheduled_at = f.retry_at,
                   finalized_at = CASE WHEN f.state = 'discarded' THEN now() END,
                   errors = j.errors || jsonb_build_array(jsonb_build_object(
                       'attempt', j.attempt, 'at', f.failed_at, 'error', f.error, 'worker', j.attempted_by))
              FROM unnest(\(f.ids)::bigint[], \(f.attempts)::int4[], \(f.states)::text[], \(f.times)::timestamptz[],
                          \(f.errors)::text[], \(f.failedAts)::float8[])
                   AS f(id, attempt, state, retry_at, error, failed_at)
             WHERE j.id = f.id AND j.state = 'running' AND j.attempt = f.attempt AND j.attempted_by = \(worker)
            RETURNING j.id
            """, logger: logger
        ).decode(Int64.self) { written.append(id) }
        return written
    }
}
