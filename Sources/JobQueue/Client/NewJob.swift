import Foundation

/// A job to insert: its kind, arguments and options. Options left `nil` come from the
/// kind's policy (`jobs/<kind>.yaml`) or the engine's defaults.
public struct NewJob: Sendable {
    public var kind: String
    /// Arguments as JSON text (use `init(kind:args:)` to encode a value).
    public var argsJSON: String
    public var queue: String?
    /// 0 runs first; 9 last.
    public var priority: Int?
    /// Run no earlier than this; `nil` = now.
    public var scheduledAt: Date?
    public var maxAttempts: Int?
    public var uniqueness: Uniqueness?
    public var tags: [String]
    /// Free-form metadata as JSON object text.
    public var metadataJSON: String
    /// Set by the pipeline engine.
    public var pipelineRun: Int64?
    public var pipelineStep: String?

    /// A job whose arguments are `args` encoded as JSON.
    public init<Args: Encodable>(
        kind: String, args: Args, queue: String? = nil, priority: Int? = nil, scheduledAt: Date? = nil,
        maxAttempts: Int? = nil, uniqueness: Uniqueness? = nil, tags: [String] = []
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        self.init(
            kind: kind, argsJSON: String(decoding: try encoder.encode(args), as: UTF8.self), queue: queue,
            priority: priority, scheduledAt: scheduledAt, maxAttempts: maxAttempts, uniqueness: uniqueness, tags: tags)
    }

    /// A job with arguments already in JSON.
    public init(
        kind: String, argsJSON: String = "{}", queue: String? = nil, priority: Int? = nil, scheduledAt: Date? = nil,
        maxAttempts: Int? = nil, uniqueness: Uniqueness? = nil, tags: [String] = [], metadataJSON: String = "{}"
    ) {
        self.kind = kind
        self.argsJSON = argsJSON
        self.queue = queue
        self.priority = priority
        self.scheduledAt = scheduledAt
        self.maxAttempts = maxAttempts
        self.uniqueness = uniqueness
        self.tags = tags
        self.metadataJSON = metadataJSON
    }
}

/// How a job is kept unique. A duplicate insert is skipped and returns the existing job.
public enum Uniqueness: Sendable, Equatable {
    /// At most one job with this key among live jobs (available, scheduled, running, retryable).
    case live(key: String)
    /// At most one job with this key per window of `seconds`, whatever its state
    /// (windows are aligned to the Unix epoch).
    case window(key: String, seconds: Int)
    /// At most one job with this key ever, whatever its state (until the pruner deletes it).
    case anyState(key: String)

    /// The stored key and its scope; a window key carries the window's start.
    func stored(at now: Date) -> (key: String, scope: String) {
        switch self {
        case .live(let key):
            return (key, "live")
        case .window(let key, let seconds):
            let bucket = Int(now.timeIntervalSince1970) / max(1, seconds) * max(1, seconds)
            return ("\(key)@\(bucket)", "window")
        case .anyState(let key):
            return (key, "window")
        }
    }
}

/// What an insert did.
public struct InsertResult: Sendable, Equatable {
    /// The new job, or the existing one that made this insert a duplicate.
    public let id: Int64
    /// `true` when a unique job already existed and nothing was inserted.
    public let skippedAsDuplicate: Bool
}
