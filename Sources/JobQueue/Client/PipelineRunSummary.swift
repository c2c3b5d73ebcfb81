import Foundation

/// A pipeline run as the IT staff's dashboard and the CLI show it: its state and the job of
/// each step inserted so far.
public struct PipelineRunSummary: Sendable, Equatable {
    /// One step's job.
    public struct Step: Sendable, Equatable {
        public let name: String
        public let jobID: Int64
        public let kind: String
        public let state: JobState
    }

    public let id: Int64
    public let pipeline: String
    /// `running`, `completed`, `failed` or `cancelled`.
    public let state: String
    public let createdAt: Date
    public let finishedAt: Date?
    /// Steps in the order their jobs were inserted.
    public let steps: [Step]
}
