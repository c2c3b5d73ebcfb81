import ConocelesConfig
import ConocelesCore
import Foundation
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
/// rebuild (`PublicationRebuildWorker.enqueueListing`, one per 30 s window) to recount them.
/// Not unique: the source is read when the job runs, under the writers' lock, so a later
/// request always sees the latest data; a refresh that finds nothing new makes no version.
public struct PublicationProfileRefreshWorker: JobWorker {
    public static let kind = "publication.refresh_profile"

    public struct Args: Codable, Sendable {
        public var candidacyID: String
        /// Why the refresh was asked for ("publicar", "cancelacion"): logs only.
        public var reason: String?

        public init(candidacyID: String, reason: String? = nil) {
            self.candidacyID = candidacyID
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case candidacyID = "candidacy_id", reason
        }
    }

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
        logger.info("publication profile refreshed", metadata: [
            "candidacy_id": "\(args.candidacyID)", "outcome": "\(outcome)", "reason": "\(args.reason ?? "-")",
            "duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
        ])
        if outcome.touchesPublishedProfiles {
            try await jobs.client.transaction(logger: logger) { connection in
                try await PublicationRebuildWorker.enqueueListing(jobs: jobs, on: connection)
            }
        }
    }

    /// The job refreshing `candidacyID`.
    public static func job(candidacyID: String, reason: String) throws -> NewJob {
        try NewJob(kind: kind, args: Args(candidacyID: candidacyID, reason: reason))
    }

    /// Asks, inside the caller's transaction, for `candidacyID` to be refreshed in the public
    /// snapshot. Also counts a rebuild request (`PublicationRepository.requestRebuild`): a full
    /// rebuild that read its sources before this change builds again instead of switching to
    /// a snapshot without it.
    public static func enqueue(
        processID: String, candidacyID: String, reason: String, jobs: JobClient, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await PublicationRepository(client: jobs.client, logger: logger).requestRebuild(processID: processID, on: connection)
        try await jobs.insertMany([try job(candidacyID: candidacyID, reason: reason)], on: connection)
    }
}
