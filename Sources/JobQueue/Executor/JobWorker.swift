import Foundation
import Logging

/// The code that performs one kind of job. Handlers must be idempotent: a job runs at least
/// once, and again after a crash or a timeout.
public protocol JobWorker: Sendable {
    associatedtype Args: Codable & Sendable
    /// Stable dotted name, e.g. `photo.check`.
    static var kind: String { get }
    /// Performs the job. Throwing retries it (with the kind's backoff) until its last
    /// attempt; throw `JobCancel` to discard it at once, `JobSnooze` to run it later.
    func work(_ args: Args, context: JobContext) async throws
}

/// What a running job knows about itself.
public struct JobContext: Sendable {
    public let jobID: Int64
    public let kind: String
    public let queue: String
    /// 1 on the first run.
    public let attempt: Int
    public let maxAttempts: Int
    public let pipelineRun: Int64?
    /// Carries `job_id`, `job_kind`, `queue`, `attempt`. Built when asked for (most jobs
    /// never log, and attaching metadata costs a log handler's formatting): a handler that
    /// logs often can keep a copy.
    public var logger: Logger {
        var logger = processLogger
        logger.handler.metadata.merge([
            "job_id": "\(jobID)", "job_kind": .string(kind), "queue": .string(queue), "attempt": "\(attempt)",
        ]) { $1 }
        return logger
    }
    /// The processor's logger, without the job's metadata.
    let processLogger: Logger

    /// A context for running a job outside the processor (tests, tools).
    public init(jobID: Int64, kind: String, queue: String, attempt: Int, maxAttempts: Int, pipelineRun: Int64?, logger: Logger) {
        self.jobID = jobID
        self.kind = kind
        self.queue = queue
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.pipelineRun = pipelineRun
        self.processLogger = logger
    }
}

/// Thrown by a worker: the job failed for good; discard it now, keeping this reason.
public struct JobCancel: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Thrown by a worker: not now; run again after `seconds`, without counting an attempt.
public struct JobSnooze: Error, Sendable {
    public let seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
}

/// The workers a process runs, by kind.
public struct JobWorkers: Sendable {
    typealias Handler = @Sendable (String, JobContext) async throws -> Void
    var handlers: [String: Handler] = [:]

    public init() {}

    /// Adds a worker; its arguments are decoded from the job's JSON.
    public mutating func register<W: JobWorker>(_ worker: W) {
        handlers[W.kind] = { json, context in
            let args: W.Args
            do {
                args = try JSONDecoder().decode(W.Args.self, from: Data(json.utf8))
            } catch {
                throw JobCancel("arguments do not decode as \(W.Args.self): \(error)")
            }
            try await worker.work(args, context: context)
        }
    }

    /// Adds a handler for raw JSON arguments (tests, benchmarks).
    public mutating func register(kind: String, _ handler: @escaping @Sendable (String, JobContext) async throws -> Void) {
        handlers[kind] = handler
    }

    /// Kinds that have a worker.
    public var kinds: Set<String> { Set(handlers.keys) }
}
