import JobQueue

/// `system.probe`: a job that does nothing but wait a little and succeed. Operators enqueue
/// it (`conoceles jobs probe`) to prove that workers are alive end to end.
public struct ProbeWorker: JobWorker {
    public struct Args: Codable, Sendable {
        /// How long the job takes, in milliseconds (default 0).
        public var sleepMilliseconds: Int?

        public init(sleepMilliseconds: Int? = nil) {
            self.sleepMilliseconds = sleepMilliseconds
        }

        enum CodingKeys: String, CodingKey { case sleepMilliseconds = "sleep_ms" }
    }

    public static let kind = "system.probe"

    public init() {}

    public func work(_ args: Args, context: JobContext) async throws {
        if let ms = args.sleepMilliseconds, ms > 0 {
            try await Task.sleep(for: .milliseconds(min(ms, 600_000)))
        }
        context.logger.info("probe job done")
    }
}
