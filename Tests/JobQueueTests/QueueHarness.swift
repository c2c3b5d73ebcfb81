import Foundation
@testable import JobQueue
import Logging
import PostgresNIO
import Testing
import QueueTestSupport

/// Runs a processor (and optionally the maintenance leader) against a test database for
/// the duration of `body`, then shuts it down gracefully.
func withProcessor<T: Sendable>(
    _ db: TestPostgres, catalog: JobCatalog = JobCatalog(), workers: JobWorkers,
    configure: (inout JobProcessor.Configuration) -> Void = { _ in },
    maintenance: JobMaintenance.Configuration? = nil,
    pipelines: [PipelineDefinition] = [],
    _ body: @Sendable (JobProcessor, JobClient) async throws -> T
) async throws -> T {
    var configuration = JobProcessor.Configuration(queues: catalog.queues)
    configuration.pollInterval = .milliseconds(200)
    configuration.heartbeatInterval = .milliseconds(200)
    configuration.shutdownGrace = .seconds(5)
    configure(&configuration)
    let client = JobClient(client: db.client, catalog: catalog, logger: QueueTestDatabase.logger)
    let engine = pipelines.isEmpty ? nil : PipelineEngine(definitions: pipelines, jobs: client, logger: QueueTestDatabase.logger)
    let processor = JobProcessor(
        client: db.client, catalog: catalog, workers: workers, configuration: configuration,
        pipelines: engine, logger: QueueTestDatabase.logger)
    let runner = Task { try await processor.run() }
    let maintainer = maintenance.map { config in
        Task { await JobMaintenance(client: db.client, catalog: catalog, configuration: config, logger: QueueTestDatabase.logger).lead() }
    }
    do {
        let result = try await body(processor, client)
        processor.beginShutdown()
        maintainer?.cancel()
        try await runner.value
        return result
    } catch {
        processor.beginShutdown()
        maintainer?.cancel()
        _ = try? await runner.value
        throw error
    }
}

/// Polls `condition` until it holds or `timeout` passes (then the test fails).
func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting for: \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

func count(_ db: TestPostgres, _ sql: String) async throws -> Int {
    var n = 0
    for try await c in try await db.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { n = c }
    return n
}

/// A catalog with one queue and the given policies.
func catalog(_ policies: JobKindPolicy..., queue: String = "default", concurrency: Int = 10) -> JobCatalog {
    JobCatalog(policies: policies, queues: [queue: concurrency])
}

struct Payload: Codable, Sendable, Equatable {
    var n: Int
    var text: String = "ñandú ✓"
}
