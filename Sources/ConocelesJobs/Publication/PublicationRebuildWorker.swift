import ConocelesConfig
import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `publication.rebuild`: builds a new publication snapshot and makes it current
/// (`PublicationBuilder`). Unique over live jobs (`jobs/publication.rebuild.yaml`, and the
/// explicit key of `job(reason:)`), so a burst of publications collapses into one run.
///
/// A request that arrives while a rebuild runs finds the running job and inserts nothing;
/// so every enqueue also counts a request (`PublicationRepository.requestRebuild`) and the
/// worker builds again, up to `maximumRounds` times, while the count moved during a build.
public struct PublicationRebuildWorker: EnvironmentWorker {
    /// Builds per job at most (default 5); a busier stream waits for the next request.
    static let maximumRounds = 5

    public typealias Args = PublicationRebuildJob

    let builder: PublicationBuilder
    let client: PostgresClient
    let processID: String
    /// Releases the identity statistics after the build when a release is due (none in tests
    /// unless given).
    let statistics: StatisticsPublisher?

    /// A worker over an explicit builder (tests).
    public init(client: PostgresClient, builder: PublicationBuilder, processID: String, statistics: StatisticsPublisher? = nil) {
        self.client = client
        self.builder = builder
        self.processID = processID
        self.statistics = statistics
    }

    /// The worker of this deployment: the process, its catalogs and the identity key.
    public init(environment: JobEnvironment) {
        self.init(
            client: environment.client,
            builder: PublicationBuilder(
                client: environment.client,
                cipher: environment.cipher,
                process: environment.process, catalogs: environment.catalogs),
            processID: environment.process.id, statistics: StatisticsPublisher(environment: environment))
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let logger = context.logger
        let repository = PublicationRepository(client: client, logger: logger)
        for round in 1...Self.maximumRounds {
            let requests = try await repository.rebuildRequests(processID: processID)
            let started = Date()
            let outcome = try await builder.build(logger: logger)
            logger.info(
                "publication snapshot switched",
                metadata: [
                    "version": "\(outcome.version)", "listed": "\(outcome.listed)", "published": "\(outcome.published)",
                    "round": "\(round)", "reason": "\(args.reason ?? "-")", "duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
                ])
            guard try await repository.rebuildRequests(processID: processID) != requests else { break }
        }
        // The first release comes with the first rebuild; later ones when their period turns.
        try await statistics?.releaseIfDue(logger: logger)
    }
}
