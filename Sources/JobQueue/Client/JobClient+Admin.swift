import Foundation
import PostgresNIO

extension JobClient {
    static let jobColumns = """
        id, kind, queue, args::text, state::text, priority::int, attempt::int, max_attempts::int, scheduled_at,
        attempted_at, attempted_by, finalized_at, errors::text, unique_key, tags, pipeline_run, pipeline_step, created_at
        """

    /// One job, or nil.
    public func job(id: Int64) async throws -> Job? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.jobColumns) FROM jobs WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Self.decodeJob(row) }
        return nil
    }

    /// Jobs filtered by state and kind, newest first.
    public func list(state: JobState? = nil, kind: String? = nil, limit: Int = 100) async throws -> [Job] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.jobColumns) FROM jobs
             WHERE (\(state?.rawValue)::job_state IS NULL OR state = \(state?.rawValue)::job_state)
               AND (\(kind)::text IS NULL OR kind = \(kind)::text)
             ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var jobs: [Job] = []
        for try await row in rows { jobs.append(try Self.decodeJob(row)) }
        return jobs
    }

    /// Counts by queue, kind and state.
    public func stats() async throws -> [(queue: String, kind: String, state: JobState, count: Int)] {
        let rows = try await client.query(
            "SELECT queue, kind, state::text, count(*)::int FROM jobs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", logger: logger)
        var result: [(String, String, JobState, Int)] = []
        for try await (queue, kind, state, count) in rows.decode((String, String, String, Int).self) {
            if let s = JobState(rawValue: state) { result.append((queue, kind, s, count)) }
        }
        return result
    }

    /// Cancels a job that has not finished. Scheduled, available and retryable jobs are
    /// cancelled at once; a running job is marked cancelled and its worker, which checks at
    /// its next heartbeat, stops it (best effort). A cancelled pipeline step ends its run as
    /// `cancelled` (retrying the step resumes it). Returns false when the job already ended.
    @discardableResult
    public func cancel(id: Int64) async throws -> Bool {
        let rows = try await client.query(
            """
            WITH job AS (
                UPDATE jobs SET state = 'cancelled', finalized_at = now()
                 WHERE id = \(id) AND state IN ('available', 'scheduled', 'retryable', 'running')
                RETURNING id, pipeline_run
            ), ended AS (
                UPDATE pipeline_runs SET state = 'cancelled', finished_at = now()
                 WHERE id IN (SELECT pipeline_run FROM job) AND state = 'running'
                RETURNING id
            )
            SELECT id, (SELECT count(*) FROM ended) FROM job
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// A retry refused because a newer live job holds the same unique key (retrying would
    /// run the same work twice at once).
    public struct UniqueKeyHeld: Error, Sendable, CustomStringConvertible {
        public let jobID: Int64
        public let key: String
        /// The live job that holds the key (nil if it ended meanwhile).
        public let heldBy: Int64?
        public var description: String {
            let holder = heldBy.map { "el trabajo \($0)" } ?? "otro trabajo"
            return "no se reintentó el trabajo \(jobID): \(holder) con la misma clave única («\(key)») está pendiente o en curso; "
                + "espere a que termine o cancélelo primero"
        }
    }

    /// Makes a discarded, cancelled or retryable job available again now (attempts reset
    /// when it had used them all). Returns false when the job is running, available or completed.
    /// Throws ``UniqueKeyHeld`` when a newer live job holds the job's unique key.
    @discardableResult
    public func retry(id: Int64) async throws -> Bool {
        do {
            return try await retryOnce(id: id)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            var key = "", holder: Int64?
            for try await (k, h) in try await client.query(
                """
                SELECT j.unique_key, (SELECT o.id FROM jobs o WHERE o.unique_key = j.unique_key AND o.id <> j.id
                                         AND o.state IN ('available', 'scheduled', 'running', 'retryable')
                                       ORDER BY o.id DESC LIMIT 1)
                  FROM jobs j WHERE j.id = \(id)
                """, logger: logger
            ).decode((String?, Int64?).self) { key = k ?? ""; holder = h }
            throw UniqueKeyHeld(jobID: id, key: key, heldBy: holder)
        }
    }

    private func retryOnce(id: Int64) async throws -> Bool {
        let rows = try await client.query(
            """
            WITH job AS (
                UPDATE jobs SET state = 'available', scheduled_at = now(), finalized_at = NULL,
                       max_attempts = CASE WHEN attempt >= max_attempts THEN attempt + 1 ELSE max_attempts END
                 WHERE id = \(id) AND state IN ('discarded', 'cancelled', 'retryable', 'scheduled')
                RETURNING queue, pipeline_run
            ), resumed AS (
                -- Retrying the step that failed or cancelled a pipeline run resumes the run.
                UPDATE pipeline_runs SET state = 'running', finished_at = NULL
                 WHERE id IN (SELECT pipeline_run FROM job) AND state IN ('failed', 'cancelled')
                RETURNING id
            )
            SELECT pg_notify(\(Self.channel), queue), (SELECT count(*) FROM resumed) FROM job
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    static func decodeJob(_ row: PostgresRow) throws -> Job {
        let (id, kind, queue, args, state, priority, attempt, maxAttempts, scheduledAt) =
            try row.decode((Int64, String, String, String, String, Int, Int, Int, Date).self)
        let columns = row.makeRandomAccess()
        let errorsText = try columns[12].decode(String.self)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970  // errors store `at` as epoch seconds
        return Job(
            id: id, kind: kind, queue: queue, args: args, state: JobState(rawValue: state) ?? .discarded,
            priority: priority, attempt: attempt, maxAttempts: maxAttempts, scheduledAt: scheduledAt,
            attemptedAt: try columns[9].decode(Date?.self), attemptedBy: try columns[10].decode(String?.self),
            finalizedAt: try columns[11].decode(Date?.self),
            errors: (try? decoder.decode([JobErrorRecord].self, from: Data(errorsText.utf8))) ?? [],
            uniqueKey: try columns[13].decode(String?.self), tags: try columns[14].decode([String].self),
            pipelineRun: try columns[15].decode(Int64?.self), pipelineStep: try columns[16].decode(String?.self),
            createdAt: try columns[17].decode(Date.self))
    }
}
