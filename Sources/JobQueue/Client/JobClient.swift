import Foundation
import Logging
import PostgresNIO

/// Inserts and manages jobs. Knows nothing of what the jobs do.
public struct JobClient: Sendable {
    /// NOTIFY channel on which inserts and the scheduler announce available jobs; the payload
    /// is the queue's name.
    public static let channel = "conoceles_jobs"

    public let client: PostgresClient
    public let catalog: JobCatalog
    let logger: Logger

    public init(client: PostgresClient, catalog: JobCatalog = JobCatalog(), logger: Logger) {
        self.client = client
        self.catalog = catalog
        self.logger = logger
    }

    /// Inserts one job in its own transaction.
    @discardableResult
    public func insert(_ job: NewJob) async throws -> InsertResult {
        try await insertMany([job])[0]
    }

    /// Inserts many jobs in one statement (`unnest`), in their own transaction.
    @discardableResult
    public func insertMany(_ jobs: [NewJob]) async throws -> [InsertResult] {
        guard !jobs.isEmpty else { return [] }
        return try await client.withConnection { connection in
            try await insertMany(jobs, on: connection)
        }
    }

    /// Inserts jobs on a connection the caller owns, typically inside its open transaction:
    /// the jobs commit or roll back with the caller's data, and workers are notified only
    /// at commit (NOTIFY is transactional).
    @discardableResult
    public func insertMany(_ jobs: [NewJob], on connection: PostgresConnection) async throws -> [InsertResult] {
        guard !jobs.isEmpty else { return [] }
        let now = Date()
        var kinds: [String] = [], queues: [String] = [], args: [String] = [], priorities: [Int16] = []
        var scheduled: [Date] = [], attempts: [Int16] = [], keys: [String] = [], scopes: [String] = []
        var tags: [String] = [], metadata: [String] = [], runs: [Int64] = [], steps: [String] = []
        for job in jobs {
            let policy = catalog.policy(for: job.kind)
            kinds.append(job.kind)
            queues.append(job.queue ?? policy.queue)
            args.append(job.argsJSON)
            priorities.append(Int16(clamping: job.priority ?? policy.priority))
            scheduled.append(job.scheduledAt ?? .distantPast)
            attempts.append(Int16(clamping: job.maxAttempts ?? policy.maxAttempts))
            let unique = (job.uniqueness ?? policy.unique?.uniqueness(kind: job.kind, argsJSON: job.argsJSON))?.stored(at: now)
            keys.append(unique?.key ?? "")
            scopes.append(unique?.scope ?? "")
            tags.append(Self.jsonArray(job.tags))
            metadata.append(job.metadataJSON)
            runs.append(job.pipelineRun ?? 0)
            steps.append(job.pipelineStep ?? "")
        }
        // ON CONFLICT DO NOTHING without a target covers both unique indexes (live and
        // window); a duplicate waits for a concurrent uncommitted twin, then is skipped.
        // Rows are inserted in input order, so identity values follow it.
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(kinds)::text[], \(queues)::text[], \(args)::text[], \(priorities)::smallint[],
                                     \(scheduled)::timestamptz[], \(attempts)::smallint[], \(keys)::text[], \(scopes)::text[],
                                     \(tags)::text[], \(metadata)::text[], \(runs)::bigint[], \(steps)::text[])
                    WITH ORDINALITY AS t(kind, queue, args, priority, scheduled_at, max_attempts, unique_key, unique_scope,
                                         tags, metadata, pipeline_run, pipeline_step, ord)
            ), inserted AS (
                INSERT INTO jobs (kind, queue, args, priority, scheduled_at, max_attempts, unique_key, unique_scope,
                                  tags, metadata, pipeline_run, pipeline_step, state)
                SELECT kind, queue, args::jsonb, priority, greatest(scheduled_at, now()), max_attempts,
                       nullif(unique_key, ''), nullif(unique_scope, ''),
                       CASE WHEN tags = '[]' THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(tags::jsonb)) END,
                       metadata::jsonb,
                       nullif(pipeline_run, 0), nullif(pipeline_step, ''),
                       (CASE WHEN scheduled_at > now() THEN 'scheduled' ELSE 'available' END)::job_state
                  FROM input ORDER BY ord
                ON CONFLICT DO NOTHING
                RETURNING id, queue, state, unique_key
            ), notified AS (
                SELECT count(pg_notify(\(Self.channel), q.queue)) AS n
                  FROM (SELECT DISTINCT queue FROM inserted WHERE state = 'available') q
            )
            SELECT i.id, coalesce(i.unique_key, ''), n.n FROM inserted i CROSS JOIN notified n ORDER BY i.id
            """, logger: logger)
        var plain: [Int64] = []
        var byKey: [String: Int64] = [:]
        for try await (id, key, _) in rows.decode((Int64, String, Int64).self) {
            if key.isEmpty { plain.append(id) } else { byKey[key] = id }
        }
        let skippedKeys = Set(keys.filter { !$0.isEmpty && byKey[$0] == nil })
        var existing: [String: Int64] = [:]
        if !skippedKeys.isEmpty {
            // The most recent job that holds each key (committed: ON CONFLICT waited for it).
            for try await (key, id) in try await connection.query(
                """
                SELECT DISTINCT ON (unique_key) unique_key, id FROM jobs
                 WHERE unique_key IS NOT NULL AND unique_key = ANY(\(Array(skippedKeys))) ORDER BY unique_key, id DESC
                """, logger: logger
            ).decode((String, Int64).self) {
                existing[key] = id
            }
        }
        var results: [InsertResult] = []
        var plainIndex = 0
        var claimed: Set<String> = []
        for key in keys {
            if key.isEmpty {
                results.append(InsertResult(id: plain[plainIndex], skippedAsDuplicate: false))
                plainIndex += 1
            } else if let id = byKey[key], claimed.insert(key).inserted {
                results.append(InsertResult(id: id, skippedAsDuplicate: false))
            } else {
                results.append(InsertResult(id: byKey[key] ?? existing[key] ?? 0, skippedAsDuplicate: true))
            }
        }
        return results
    }

    static func jsonArray(_ strings: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(strings), as: UTF8.self)) ?? "[]"
    }
}
