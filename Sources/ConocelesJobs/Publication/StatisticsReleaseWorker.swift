import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging

/// `statistics.release` (hourly, `jobs/schedules.yaml`): releases the identity statistics
/// when the period of `publication.statistics_refresh_hours` has turned (`StatisticsPublisher`);
/// otherwise does nothing. A rebuild of the publication also releases when one is due.
public struct StatisticsReleaseWorker: EnvironmentWorker {
    public typealias Args = StatisticsReleaseJob

    let publisher: StatisticsPublisher

    /// A worker over an explicit publisher (tests).
    public init(publisher: StatisticsPublisher) {
        self.publisher = publisher
    }

    /// The worker of this deployment.
    public init(environment: JobEnvironment) {
        self.init(publisher: StatisticsPublisher(environment: environment))
    }

    public func work(_ args: Args, context: JobContext) async throws {
        try await publisher.releaseIfDue(force: args.force == true, logger: context.logger)
    }
}
