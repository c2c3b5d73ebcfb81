import Foundation
import PostgresNIO

/// Readings of queue state for the application (health, scheduling decisions, duplicates):
/// the `jobs` table is the queue's own, so code outside `JobQueue` asks here instead of
/// querying it.
extension JobClient {
    /// Seconds the oldest due, available job has waited (0 when none waits). Scheduled jobs
    /// are not late; the fetch index (`jobs_fetch_idx`, available rows only) serves it.
    public func oldestDueWaitSeconds() async throws -> Double {
        let rows = try await client.query(
            """
            SELECT extract(epoch FROM now() - min(scheduled_at))::float8 FROM jobs
             WHERE state = 'available' AND scheduled_at <= now()
            """, logger: logger)
        var seconds: Double?
        for try await value in rows.decode(Double?.self) { seconds = value }
        return seconds ?? 0
    }

    /// How long the latest completed job of `kind` ran (from its last attempt to its end), in
    /// seconds; nil when none completed (or the pruner deleted them). Read on the caller's
    /// connection, in its transaction.
    public func lastCompletedRunSeconds(kind: String, on connection: PostgresConnection) async throws -> Double? {
        var seconds: Double?
        for try await value in try await connection.query(
            """
            SELECT extract(epoch FROM finalized_at - attempted_at)::float8 FROM jobs
             WHERE kind = \(kind) AND state = 'completed' AND attempted_at IS NOT NULL
             ORDER BY id DESC LIMIT 1
            """, logger: logger
        ).decode(Double.self) { seconds = value }
        return seconds
    }

    /// The values of the top-level argument `key` (as text) of the live jobs of `kind`
    /// (available, scheduled, running, retryable): what is already asked for, so a second
    /// request does not ask again while the first waits.
    public func liveArgumentValues(kind: String, key: String) async throws -> Set<String> {
        var values: Set<String> = []
        for try await value in try await client.query(
            """
            SELECT args ->> \(key) FROM jobs
             WHERE kind = \(kind) AND state IN ('available', 'scheduled', 'running', 'retryable') AND args ? \(key)
            """, logger: logger
        ).decode(String?.self) {
            if let value { values.insert(value) }
        }
        return values
    }

    /// How many jobs are in `state` (every kind).
    public func count(state: JobState) async throws -> Int {
        var n = 0
        for try await c in try await client.query(
            "SELECT count(*)::int8 FROM jobs WHERE state = \(state.rawValue)::job_state", logger: logger
        ).decode(Int.self) { n = c }
        return n
    }

    /// Deletes every job and restarts the ids (benchmarks on a throwaway database only).
    public func truncateForBenchmark() async throws {
        try await client.query("TRUNCATE jobs RESTART IDENTITY", logger: logger)
    }

    /// Refreshes the planner's statistics of the jobs table (after a bulk load).
    public func analyze() async throws {
        try await client.query("ANALYZE jobs", logger: logger)
    }
}
