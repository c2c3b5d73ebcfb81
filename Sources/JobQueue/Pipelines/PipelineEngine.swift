import Foundation
import Logging
import PostgresNIO

/// Starts pipeline runs and advances them as their jobs end. A step is inserted in the
/// same transaction that completes its last predecessor; a discarded step fails its run
/// (downstream steps never run); retrying that step resumes the run.
public struct PipelineEngine: Sendable {
    public let definitions: [String: PipelineDefinition]
    let jobs: JobClient
    let logger: Logger

    public init(definitions: [PipelineDefinition], jobs: JobClient, logger: Logger) {
        self.definitions = Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0) })
        self.jobs = jobs
        self.logger = logger
    }

    /// The pipelines that an event starts.
    public func pipelines(forEvent event: String) -> [PipelineDefinition] {
        definitions.values.filter { $0.event == event }.sorted { $0.name < $1.name }
    }

    /// An unknown pipeline name.
    public struct UnknownPipeline: Error, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { "unknown pipeline \(name)" }
    }

    /// Starts a run inside the caller's transaction: records it and inserts its root steps.
    /// Returns the run's id.
    @discardableResult
    public func start(_ name: String, argsJSON: String, on connection: PostgresConnection) async throws -> Int64 {
        guard let definition = definitions[name] else { throw UnknownPipeline(name: name) }
        var runID: Int64 = 0
        for try await id in try await connection.query(
            "INSERT INTO pipeline_runs (pipeline, args) VALUES (\(name), \(argsJSON)::jsonb) RETURNING id", logger: logger
        ).decode(Int64.self) { runID = id }
        try await insertSteps(definition.roots, run: runID, argsJSON: argsJSON, on: connection)
        return runID
    }

    func insertSteps(_ steps: [PipelineDefinition.Step], run: Int64, argsJSON: String, on connection: PostgresConnection) async throws {
        var newJobs: [NewJob] = []
        for step in steps {
            var job = NewJob(kind: step.kind, argsJSON: argsJSON, tags: ["pipeline"])
            job.pipelineRun = run
            job.pipelineStep = step.name
            // One job per run and step, even if two completions race.
            job.uniqueness = .anyState(key: "pipeline:\(run):\(step.name)")
            newJobs.append(job)
        }
        try await jobs.insertMany(newJobs, on: connection)
    }

    /// Called by the completer in the transaction that wrote these results.
    func advance(completed: [Int64], failed: [Int64], on connection: PostgresConnection) async throws {
        let ids = completed + failed
        // The ended jobs that belong to a run, with their final state.
        var ended: [(run: Int64, state: String)] = []
        for try await (run, state) in try await connection.query("""
            SELECT pipeline_run, state::text FROM jobs
             WHERE id = ANY(\(ids)::bigint[]) AND pipeline_run IS NOT NULL AND state IN ('completed', 'discarded')
            """, logger: logger).decode((Int64, String).self) {
            ended.append((run, state))
        }
        guard !ended.isEmpty else { return }
        let failedRuns = Set(ended.filter { $0.state == "discarded" }.map(\.run))
        if !failedRuns.isEmpty {
            try await connection.query("""
                UPDATE pipeline_runs SET state = 'failed', finished_at = now()
                 WHERE id = ANY(\(Array(failedRuns))::bigint[]) AND state = 'running'
                """, logger: logger)
        }
        let runs = Set(ended.filter { $0.state == "completed" }.map(\.run)).subtracting(failedRuns).sorted()
        for run in runs {
            // Lock the run: two transactions completing the last two predecessors of a join
            // step serialize here, and the second sees the first's completion.
            var pipeline = "", args = "{}"
            for try await (name, json) in try await connection.query(
                "SELECT pipeline, args::text FROM pipeline_runs WHERE id = \(run) FOR UPDATE", logger: logger
            ).decode((String, String).self) { (pipeline, args) = (name, json) }
            guard let definition = definitions[pipeline] else { continue }
            var stepStates: [String: String] = [:]
            for try await (step, state) in try await connection.query(
                "SELECT pipeline_step, state::text FROM jobs WHERE pipeline_run = \(run) AND pipeline_step IS NOT NULL",
                logger: logger
            ).decode((String, String).self) { stepStates[step] = state }
            let done = Set(stepStates.filter { $0.value == "completed" }.keys)
            let next = definition.steps.filter { step in
                stepStates[step.name] == nil && !step.after.isEmpty && step.after.allSatisfy(done.contains)
            }
            if !next.isEmpty {
                try await insertSteps(next, run: run, argsJSON: args, on: connection)
            } else if done.count == definition.steps.count {
                try await connection.query(
                    "UPDATE pipeline_runs SET state = 'completed', finished_at = now() WHERE id = \(run)", logger: logger)
            }
        }
    }

    /// A run and its steps' states, for staff and tests.
    public struct RunStatus: Sendable, Equatable {
        public let id: Int64
        public let pipeline: String
        public let state: String
        /// Step name → job state, for the steps inserted so far.
        public let steps: [String: JobState]
    }

    public func run(id: Int64) async throws -> RunStatus? {
        var header: (String, String)?
        for try await row in try await jobs.client.query(
            "SELECT pipeline, state FROM pipeline_runs WHERE id = \(id)", logger: logger
        ).decode((String, String).self) { header = row }
        guard let (pipeline, state) = header else { return nil }
        var steps: [String: JobState] = [:]
        for try await (step, jobState) in try await jobs.client.query(
            "SELECT pipeline_step, state::text FROM jobs WHERE pipeline_run = \(id)", logger: logger
        ).decode((String, String).self) { steps[step] = JobState(rawValue: jobState) }
        return RunStatus(id: id, pipeline: pipeline, state: state, steps: steps)
    }
}
