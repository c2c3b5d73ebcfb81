import Foundation
@testable import JobQueue
import PostgresNIO
import Testing
import QueueTestSupport

@Suite("Admin: recent pipeline runs")
struct PipelineRunsAdminTests {
    let chain = try! PipelineDefinition(
        name: "chain", event: "thing.happened",
        steps: [
            .init(name: "first", kind: "step.first"),
            .init(name: "second", kind: "step.second", after: ["first"]),
        ])

    @Test func newestRunsFirstWithTheirStepsJobs() async throws {
        try await QueueTestDatabase.with { db async throws in
            let client = JobClient(client: db.client, logger: QueueTestDatabase.logger)
            let engine = PipelineEngine(definitions: [chain], jobs: client, logger: QueueTestDatabase.logger)
            var ids: [Int64] = []
            for _ in 0..<3 {
                ids.append(
                    try await db.client.withTransaction(logger: QueueTestDatabase.logger) { tx in
                        try await engine.start("chain", argsJSON: "{}", on: tx)
                    })
            }
            #expect(try await client.recentPipelineRuns(limit: 0) == [])
            let runs = try await client.recentPipelineRuns(limit: 2)
            #expect(runs.map(\.id) == [ids[2], ids[1]])
            #expect(runs.allSatisfy { $0.pipeline == "chain" && $0.state == "running" && $0.finishedAt == nil })
            // Only the first step is inserted until it completes; its job is the one the run names.
            for run in runs {
                #expect(run.steps.map(\.name) == ["first"])
                #expect(run.steps.map(\.kind) == ["step.first"])
                #expect(run.steps.map(\.state) == [.available])
                let job = try #require(try await client.job(id: run.steps[0].jobID))
                #expect(job.pipelineRun == run.id && job.pipelineStep == "first")
            }
        }
    }
}
