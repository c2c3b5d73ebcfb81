import Foundation
import JobQueue
import Logging
import PostgresNIO
import Testing

/// Helpers for testing job code, in the style of Oban.Testing: look for enqueued jobs, and
/// run one worker in-process with its arguments round-tripped through JSON (as the queue
/// would hand them over).
public enum JobTesting {
    /// Jobs of `kind` in a live state (available, scheduled, retryable, running), oldest first.
    public static func enqueued(_ db: some PostgresPooled, kind: String) async throws -> [Job] {
        try await JobClient(client: db.client, logger: QueueTestDatabase.logger).list(kind: kind, limit: 10_000)
            .filter { JobState.live.contains($0.state) }.reversed()
    }

    /// Records an issue unless a live job of `kind` whose arguments decode to `Args` and
    /// satisfy `matching` exists. Returns the matching jobs.
    @discardableResult
    public static func assertEnqueued<Args: Decodable>(
        _ db: some PostgresPooled, kind: String, args: Args.Type, sourceLocation: SourceLocation = #_sourceLocation,
        matching: (Args) -> Bool = { _ in true }
    ) async throws -> [Job] {
        let found = try await enqueued(db, kind: kind).filter { job in
            (try? job.decodeArgs(Args.self)).map(matching) ?? false
        }
        if found.isEmpty { Issue.record("no \(kind) job enqueued with matching arguments", sourceLocation: sourceLocation) }
        return found
    }

    /// Records an issue if any live job of `kind` exists.
    public static func assertNotEnqueued(_ db: some PostgresPooled, kind: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let found = try await enqueued(db, kind: kind)
        if !found.isEmpty { Issue.record("\(found.count) \(kind) job(s) enqueued, expected none", sourceLocation: sourceLocation) }
    }

    /// Runs `worker` once on `args` after a JSON round trip, with a context for attempt 1.
    public static func perform<W: JobWorker>(_ worker: W, args: W.Args, attempt: Int = 1) async throws {
        let data = try JSONEncoder().encode(args)
        let decoded = try JSONDecoder().decode(W.Args.self, from: data)
        let context = JobContext(
            jobID: 0, kind: W.kind, queue: "test", attempt: attempt, maxAttempts: 20, pipelineRun: nil,
            logger: QueueTestDatabase.logger)
        try await worker.work(decoded, context: context)
    }
}
