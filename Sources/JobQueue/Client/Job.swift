import Foundation

/// A job as stored, for inspection (CLI, staff pages, tests).
public struct Job: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let queue: String
    /// Arguments as JSON text.
    public let args: String
    public let state: JobState
    public let priority: Int
    public let attempt: Int
    public let maxAttempts: Int
    public let scheduledAt: Date
    public let attemptedAt: Date?
    public let attemptedBy: String?
    public let finalizedAt: Date?
    /// Every error of every attempt, oldest first.
    public let errors: [JobErrorRecord]
    public let uniqueKey: String?
    public let tags: [String]
    public let pipelineRun: Int64?
    public let pipelineStep: String?
    public let createdAt: Date

    /// Decodes the arguments into `T`.
    public func decodeArgs<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(args.utf8))
    }
}

/// One failed attempt, kept on the job.
public struct JobErrorRecord: Sendable, Equatable, Codable {
    public let attempt: Int
    public let at: Date
    public let error: String
    public let worker: String?

    public init(attempt: Int, at: Date, error: String, worker: String?) {
        self.attempt = attempt
        self.at = at
        self.error = error
        self.worker = worker
    }
}
