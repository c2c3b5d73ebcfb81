import ConocelesConfig
import ConocelesCore
import Foundation
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
public struct PublicationRebuildWorker: JobWorker {
    public static let kind = "publication.rebuild"
    /// Builds per job at most (default 5); a busier stream waits for the next request.
    static let maximumRounds = 5

    public struct Args: Codable, Sendable {
        /// Why the rebuild was asked for ("publicar", "retiro", "instancia"): logs only.
        public var reason: String?
        public init(reason: String? = nil) { self.reason = reason }
    }

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
            logger.info("publication snapshot switched", metadata: [
                "version": "\(outcome.version)", "listed": "\(outcome.listed)", "published": "\(outcome.published)",
                "round": "\(round)", "reason": "\(args.reason ?? "-")", "duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
            ])
            guard try await repository.rebuildRequests(processID: processID) != requests else { break }
        }
        // The first release comes with the first rebuild; later ones when their period turns.
        try await statistics?.releaseIfDue(logger: logger)
    }

    /// The job, unique among live jobs of its kind whatever its reason.
    public static func job(reason: String) throws -> NewJob {
        try NewJob(kind: kind, args: Args(reason: reason), uniqueness: .live(key: kind))
    }

    /// Asks for a rebuild of `processID` on the caller's connection, inside its transaction:
    /// counts the request and inserts the job (or finds the live one), committing with the
    /// change that needs it. Returns the job (the live one when there was already one).
    @discardableResult
    public static func enqueue(
        processID: String, reason: String, jobs: JobClient, on connection: PostgresConnection, logger: Logger
    ) async throws -> InsertResult {
        try await PublicationRepository(client: jobs.client, logger: logger).requestRebuild(processID: processID, on: connection)
        let inserted = try await jobs.insertMany([try job(reason: reason)], on: connection)
        guard let result = inserted.first else { throw StorageError(.notFound, "No se pudo encolar la reconstrucción.") }
        return result
    }

    /// Seconds a listing change (a new approval) may wait for the snapshot at least: approvals
    /// arrive in bursts of thousands, and one rebuild per window lists them all.
    public static let listingWindowSeconds = 30
    /// The longest window: 30 s × 2⁴.
    static let maximumListingWindowSeconds = 480

    /// Asks for a rebuild that lists newly approved candidacies: one job per listing window,
    /// scheduled just after the window ends, so every approval committed in the window is in
    /// it. Unlike `enqueue` it writes no shared row, so thousands of concurrent approvals do
    /// not queue behind one row lock.
    ///
    /// The window is `listingWindowSeconds`, doubled until it is at least ten times the last
    /// completed rebuild's duration (`listingWindow`, at most 8 minutes): at national scale a
    /// full rebuild takes tens of seconds, and rebuilding every 30 s during a burst of
    /// approvals would spend a core on rebuilds alone. Windows are aligned to the epoch and
    /// the job is unique by the instant its window ends, so while the window changes size the
    /// jobs of windows that end together are still one.
    public static func enqueueListing(
        jobs: JobClient, on connection: PostgresConnection, now: Date = Date(), logger: Logger = Logger(label: "conoceles.publication")
    ) async throws {
        let window = try await listingWindow(on: connection, logger: logger)
        let windowEnd = (Int(now.timeIntervalSince1970) / window + 1) * window
        try await jobs.insertMany([try NewJob(
            kind: kind, args: Args(reason: "aprobacion"), scheduledAt: Date(timeIntervalSince1970: Double(windowEnd + 1)),
            uniqueness: .anyState(key: "\(kind):listing@\(windowEnd)"))], on: connection)
    }

    /// The current listing window in seconds (see `enqueueListing`).
    static func listingWindow(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var lastSeconds = 0.0
        for try await seconds in try await connection.query("""
            SELECT extract(epoch FROM finalized_at - attempted_at)::float8 FROM jobs
             WHERE kind = \(kind) AND state = 'completed' AND attempted_at IS NOT NULL
             ORDER BY id DESC LIMIT 1
            """, logger: logger).decode(Double.self) { lastSeconds = seconds }
        var window = listingWindowSeconds
        while Double(window) < lastSeconds * 10, window < maximumListingWindowSeconds { window *= 2 }
        return window
    }

    /// `enqueue` in a transaction of its own (the staff's "Re-publicar", `conoceles publication rebuild`).
    @discardableResult
    public static func enqueue(processID: String, reason: String, jobs: JobClient, logger: Logger) async throws -> InsertResult {
        try await jobs.client.transaction(logger: logger) { connection in
            try await enqueue(processID: processID, reason: reason, jobs: jobs, on: connection, logger: logger)
        }
    }
}
