import Foundation

/// The arguments of one job kind, carrying the kind: enqueuing a job needs its arguments
/// only, not the worker that runs it (`NewJob(_:)`), and a worker whose `Args` is a `JobArgs`
/// takes its kind from them (`JobWorker.kind`). Encoded as the job's JSON `args`.
public protocol JobArgs: Codable, Sendable {
    /// Stable dotted name, e.g. `photo.check`.
    static var kind: String { get }
}

extension NewJob {
    /// A job of `Args.kind` with these arguments; options left `nil` come from the kind's
    /// policy (`jobs/<kind>.yaml`) or the engine's defaults.
    public init<Args: JobArgs>(
        _ args: Args, queue: String? = nil, priority: Int? = nil, scheduledAt: Date? = nil,
        maxAttempts: Int? = nil, uniqueness: Uniqueness? = nil, tags: [String] = []
    ) throws {
        try self.init(
            kind: Args.kind, args: args, queue: queue, priority: priority, scheduledAt: scheduledAt,
            maxAttempts: maxAttempts, uniqueness: uniqueness, tags: tags)
    }
}

extension JobWorker where Args: JobArgs {
    /// The kind of the worker's arguments.
    public static var kind: String { Args.kind }
}
