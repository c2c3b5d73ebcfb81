import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Writes attempt results in batches: whatever accumulated while the previous write ran
/// goes in the next one, so a busy worker needs few round trips and an idle one adds no
/// delay. Only rows still `running` are touched (a job cancelled or rescued meanwhile keeps
/// its new state).
final class JobCompleter: Sendable {
    private let client: PostgresClient
    private let logger: Logger
    private let buffer = Mutex<[JobResult]>([])
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let pipelines: PipelineEngine?

    init(client: PostgresClient, pipelines: PipelineEngine?, logger: Logger) {
        self.client = client
        self.pipelines = pipelines
        self.logger = logger
    }

    func add(_ result: JobResult) {
        buffer.withLock { $0.append(result) }
        wake.signal()
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
                    try await write(batch)
                    break
                } catch {
                    attempt += 1
                    logger.error("job results not written, retrying", metadata: [
                        "error": "\(String(reflecting: error))", "results": "\(batch.count)", "try": "\(attempt)"])
                    // Keep trying: a result lost here would make the job run again after rescue.
                    try? await Task.sleep(for: .milliseconds(min(5_000, 100 * (1 << min(attempt, 6)))))
                    if attempt > 50 { return }
                }
            }
        }
    }

    private func write(_ batch: [JobResult]) async throws {
        var completed: [Int64] = []
        var failedIDs: [Int64] = [], failedStates: [String] = [], failedTimes: [Date] = [], failedErrors: [String] = []
        var failedAts: [Double] = []
        var snoozedIDs: [Int64] = [], snoozedTimes: [Date] = []
        for result in batch {
            switch result {
            case .completed(let id):
                completed.append(id)
            case .failed(let id, let error, let failedAt, let retryAt):
                failedIDs.append(id)
                failedAts.append(failedAt.timeIntervalSince1970)
                failedStates.append(retryAt == nil ? "discarded" : "retryable")
                failedTimes.append(retryAt ?? Date())
                failedErrors.append(String(error.prefix(4_000)))
            case .snoozed(let id, let until):
                snoozedIDs.append(id)
                snoozedTimes.append(until)
            }
        }
        if let pipelines, !completed.isEmpty || !failedIDs.isEmpty {
            // Pipeline steps need their successors inserted in the completing transaction.
            try await client.withTransaction(logger: logger) { tx in
                try await Self.complete(completed, on: tx, logger: logger)
                try await Self.fail(failedIDs, failedStates, failedTimes, failedErrors, failedAts, on: tx, logger: logger)
                try await pipelines.advance(completed: completed, failed: failedIDs, on: tx)
            }
        } else {
            try await client.withConnection { connection in
                try await Self.complete(completed, on: connection, logger: logger)
                try await Self.fail(failedIDs, failedStates, failedTimes, failedErrors, failedAts, on: connection, logger: logger)
            }
        }
        if !snoozedIDs.isEmpty {
            try await client.query("""
                UPDATE jobs j SET state = 'scheduled', scheduled_at = s.until, attempt = greatest(j.attempt - 1, 0)
                  FROM unnest(\(snoozedIDs)::bigint[], \(snoozedTimes)::timestamptz[]) AS s(id, until)
                 WHERE j.id = s.id AND j.state = 'running'
                """, logger: logger)
        }
    }

    static func complete(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("""
            UPDATE jobs SET state = 'completed', finalized_at = now()
             WHERE id = ANY(\(ids)::bigint[]) AND state = 'running'
            """, logger: logger)
    }

    static func fail(
        _ ids: [Int64], _ states: [String], _ times: [Date], _ errors: [String], _ failedAts: [Double],
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("""
            UPDATE jobs j
               SET state = f.state::job_state,
                   scheduled_at = f.retry_at,
                   finalized_at = CASE WHEN f.state = 'discarded' THEN now() END,
                   errors = j.errors || jsonb_build_array(jsonb_build_object(
                       'attempt', j.attempt, 'at', f.failed_at, 'error', f.error, 'worker', j.attempted_by))
              FROM unnest(\(ids)::bigint[], \(states)::text[], \(times)::timestamptz[], \(errors)::text[],
                          \(failedAts)::float8[])
                   AS f(id, state, retry_at, error, failed_at)
             WHERE j.id = f.id AND j.state = 'running'
            """, logger: logger)
    }
}
