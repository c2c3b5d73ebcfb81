import Foundation
import PostgresNIO

extension JobClient {
    /// The most recent pipeline runs (newest first, at most `limit`) with their steps' jobs:
    /// two queries, the runs and then the jobs of all of them.
    public func recentPipelineRuns(limit: Int = 20) async throws -> [PipelineRunSummary] {
        var headers: [(Int64, String, String, Date, Date?)] = []
        for try await row in try await client.query(
            """
            SELECT id, pipeline, state, created_at, finished_at FROM pipeline_runs ORDER BY id DESC LIMIT \(max(0, limit))
            """, logger: logger
        ).decode((Int64, String, String, Date, Date?).self) { headers.append(row) }
        guard !headers.isEmpty else { return [] }
        var steps: [Int64: [PipelineRunSummary.Step]] = [:]
        for try await (run, name, id, kind, state) in try await client.query(
            """
            SELECT pipeline_run, pipeline_step, id, kind, state::text FROM jobs
             WHERE pipeline_run = ANY(\(headers.map(\.0))::bigint[]) ORDER BY id
            """, logger: logger
        ).decode((Int64, String?, Int64, String, String).self) {
            steps[run, default: []].append(
                PipelineRunSummary.Step(
                    name: name ?? kind, jobID: id, kind: kind, state: JobState(rawValue: state) ?? .discarded))
        }
        return headers.map { id, pipeline, state, created, finished in
            PipelineRunSummary(id: id, pipeline: pipeline, state: state, createdAt: created, finishedAt: finished, steps: steps[id] ?? [])
        }
    }
}
