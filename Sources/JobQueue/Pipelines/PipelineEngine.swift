import Foundation
import Logging
import PostgresNIO

/// Starts pipeline runs and advances them as their jobs end. A step is inserted in the
/// same transaction that completes its last predecessor; a discarded step fails its run
/// (downstream steps never run); retrying that step resumes the run.
public struct PipelineEngine: Sendable {
    public let definitions: [String: PipelineDefinition]
    /// The client it inserts steps with (its catalog gives each kind its queue and policy).
    public let jobs: JobClient
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
        try await jobs.insertMany(stepJobs(steps, run: run, argsJSON: argsJSON), on: connection)
    }

    func stepJobs(_ steps: [PipelineDefinition.Step], run: Int64, argsJSON: String) -> [NewJob] {
        steps.map { step in
            var job = NewJob(kind: step.kind, argsJSON: argsJSON, tags: ["pipeline"])
            job.pipelineRun = run
            job.pipelineStep = step.name
            // One job per run and step, even if two completions race.
            job.uniqueness = .anyState(key: "pipeline:\(run):\(step.name)")
            return job
        }
    }

    /// Called by the completer in the transaction that wrote these results. A constant
    /// number of statements whatever the batch size (the completer writes thousands of
    /// results at once under load; one round trip per run made its transactions grow with
    /// the backlog and starve the next steps).
    func advance(completed: [Int64], failed: [Int64], on connection: PostgresConnection) async throws {
        let ids = completed + failed
        // The ended jobs that belong to a run, with their final state.
        var ended: [(run: Int64, state: String)] = []
        for try await (run, state) in try await connection.query(
            """
            SELECT pipeline_run, state::text FROM jobs
             WHERE id = ANY(\(ids)::bigint[]) AND pipeline_run IS NOT NULL AND state IN ('completed', 'discarded')
            """, logger: logger
        ).decode((Int64, String).self) {
            ended.append((run, state))
        }
        guard !ended.isEmpty else { return }
        let failedRuns = Set(ended.filter { $0.state == "discarded" }.map(\.run))
        if !failedRuns.isEmpty {
            try await connection.query(
                """
                UPDATE pipeline_runs SET state = 'failed', finished_at = now()
                 WHERE id = ANY(\(Array(failedRuns))::bigint[]) AND state = 'running'
                """, logger: logger)
        }
        let runs = Set(ended.filter { $0.state == "completed" }.map(\.run)).subtracting(failedRuns).sorted()
        guard !runs.isEmpty else { return }
        // Lock the runs, in id order (two completers lock in the same order, so they can't
        // deadlock): two transactions completing the last two predecessors of a join step
        // serialize here, and the second sees the first's completion.
        var headers: [Int64: (pipeline: String, args: String)] = [:]
        for try await (id, name, json) in try await connection.query(
            """
            SELECT id, pipeline, args::text FROM pipeline_runs WHERE id = ANY(\(runs)::bigint[]) ORDER BY id FOR UPDATE
            """, logger: logger
        ).decode((Int64, String, String).self) { headers[id] = (name, json) }
        var stepStates: [Int64: [String: String]] = [:]
        for try await (run, step, state) in try await connection.query(
            """
            SELECT pipeline_run, pipeline_step, state::text FROM jobs
             WHERE pipeline_run = ANY(\(runs)::bigint[]) AND pipeline_step IS NOT NULL
            """, logger: logger
        ).decode((Int64, String, String).self) { stepStates[run, default: [:]][step] = state }
        var newJobs: [NewJob] = []
        var finishedRuns: [Int64] = []
        for run in runs {
            guard let (pipeline, args) = headers[run], let definition = definitions[pipeline] else { continue }
            let states = stepStates[run] ?? [:]
            let done = Set(states.filter { $0.value == "completed" }.keys)
            let next = definition.steps.filter { step in
                states[step.name] == nil && !step.after.isEmpty && step.after.allSatisfy(done.contains)
            }
            if !next.isEmpty {
                newJobs += stepJobs(next, run: run, argsJSON: args)
            } else if done.count == definition.steps.count {
                finishedRuns.append(run)
            }
        }
        try await jobs.insertMany(newJobs, on: connection)
        if !finishedRuns.isEmpty {
            try await connection.query(
                """
                UPDATE pipeline_runs SET state = 'completed', finished_at = now() WHERE id = ANY(\(finishedRuns)::bigint[])
                """, logger: logger)
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
