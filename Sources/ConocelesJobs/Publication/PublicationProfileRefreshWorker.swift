import ConocelesConfig
import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `publication.refresh_profile`: makes a new current snapshot in which only one candidacy's
/// row changed (`PublicationBuilder.refresh`): its profile published or republished, or the
/// candidacy withdrawn (cancelled or substituted) and removed. Every other row is shared with
/// the previous snapshot, so it costs the same on 30,000 candidacies as on 30.
///
/// The identity statistics need every profile's answers: the refresh keeps the previous
/// ones and, when a published profile entered, changed or left, asks for the windowed full
/// rebuild (`PublicationRebuildJob.enqueueListing`, one per 30 s window) to recount them.
/// Not unique: the source is read when the job runs, under the writers' lock, so a later
/// request always sees the latest data; a refresh that finds nothing new makes no version.
public struct PublicationProfileRefreshWorker: EnvironmentWorker {
    public typealias Args = PublicationProfileRefreshJob

    let builder: PublicationBuilder
    let jobs: JobClient

    /// A worker over an explicit builder (tests).
    public init(builder: PublicationBuilder, jobs: JobClient) {
        self.builder = builder
        self.jobs = jobs
    }

    /// The worker of this deployment.
    public init(environment: JobEnvironment) {
        self.init(builder: PublicationRebuildWorker(environment: environment).builder, jobs: environment.jobs)
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let logger = context.logger
        let started = Date()
        let outcome = try await builder.refresh(candidacyID: args.candidacyID, logger: logger)
        logger.info(
            "publication profile refreshed",
            metadata: [
                "candidacy_id": "\(args.candidacyID)", "outcome": "\(outcome)", "reason": "\(args.reason ?? "-")",
                "duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
            ])
        if outcome.touchesPublishedProfiles {
            try await jobs.client.transaction(logger: logger) { connection in
                try await PublicationRebuildJob.enqueueListing(jobs: jobs, on: connection)
            }
        }
    }
}
