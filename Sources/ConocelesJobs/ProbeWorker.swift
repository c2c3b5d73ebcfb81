import JobArguments
import JobQueue

/// `system.probe`: a job that does nothing but wait a little and succeed. Operators enqueue
/// it (`conoceles jobs probe`) to prove that workers are alive end to end.
public struct ProbeWorker: EnvironmentWorker {
    public typealias Args = ProbeJob

    public init() {}

    /// The probe needs nothing of the environment.
    public init(environment: JobEnvironment) {}

    public func work(_ args: Args, context: JobContext) async throws {
        if let ms = args.sleepMilliseconds, ms > 0 {
            try await Task.sleep(for: .milliseconds(min(ms, 600_000)))
        }
        context.logger.info("probe job done")
    }
}
