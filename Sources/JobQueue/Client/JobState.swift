/// The life of a job (docs/QUEUE.md has the diagram).
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Ready to run now.
    case available
    /// Waits for its scheduled time.
    case scheduled
    /// Fetched by a worker, heartbeating.
    case running
    /// Failed; runs again at its scheduled time.
    case retryable
    case completed
    /// Failed its last attempt or failed permanently; keeps every error.
    case discarded
    case cancelled

    /// States in which a job may still run (uniqueness over "live" states uses these).
    public static let live: [JobState] = [.available, .scheduled, .running, .retryable]
    /// States that end a job.
    public static let finalized: [JobState] = [.completed, .discarded, .cancelled]
}
