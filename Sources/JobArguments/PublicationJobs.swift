import Foundation
import JobQueue
import Logging
import PostgresNIO
import Storage

/// Arguments of `publication.rebuild`: a new publication snapshot, made current.
public struct PublicationRebuildJob: JobArgs {
    public static let kind = "publication.rebuild"
    /// Why the rebuild was asked for ("publicar", "retiro", "instancia"): logs only.
    public var reason: String?
    public init(reason: String? = nil) { self.reason = reason }
}

/// Arguments of `publication.refresh_profile`: one candidacy's entry in the public snapshot.
public struct PublicationProfileRefreshJob: JobArgs {
    public static let kind = "publication.refresh_profile"
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

/// Arguments of `statistics.release` (cron, operators).
public struct StatisticsReleaseJob: JobArgs, Equatable {
    public static let kind = "statistics.release"
    /// Release now even if one was made in this period (operators; tests).
    public var force: Bool?

    public init(force: Bool? = nil) {
        self.force = force
    }
}

extension PublicationRebuildJob {
    /// The job, unique among live jobs of its kind whatever its reason.
    public static func job(reason: String) throws -> NewJob {
        try NewJob(Self(reason: reason), uniqueness: .live(key: kind))
    }

    /// Asks for a rebuild of `processID` on the caller's connection, inside its transaction:
    /// counts the request (`PublicationRepository.requestRebuild`: a rebuild that is running
    /// builds again) and inserts the job (or finds the live one), committing with the change
    /// that needs it. Returns the job (the live one when there was already one).
    @discardableResult
    public static func enqueue(
        processID: String, reason: String, jobs: JobClient, on connection: PostgresConnection, logger: Logger
    ) async throws -> InsertResult {
        try await PublicationRepository(client: jobs.client, logger: logger).requestRebuild(processID: processID, on: connection)
        let inserted = try await jobs.insertMany([try job(reason: reason)], on: connection)
        guard let result = inserted.first else { throw StorageError(.notFound, "No se pudo encolar la reconstrucción.") }
        return result
    }

    /// `enqueue` in a transaction of its own (the staff's "Re-publicar", `conoceles publication rebuild`).
    @discardableResult
    public static func enqueue(processID: String, reason: String, jobs: JobClient, logger: Logger) async throws -> InsertResult {
        try await jobs.client.transaction(logger: logger) { connection in
            try await enqueue(processID: processID, reason: reason, jobs: jobs, on: connection, logger: logger)
        }
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
        let window = try await listingWindow(jobs: jobs, on: connection)
        let windowEnd = (Int(now.timeIntervalSince1970) / window + 1) * window
        try await jobs.insertMany(
            [
                try NewJob(
                    Self(reason: "aprobacion"), scheduledAt: Date(timeIntervalSince1970: Double(windowEnd + 1)),
                    uniqueness: .anyState(key: "\(kind):listing@\(windowEnd)"))
            ], on: connection)
    }

    /// The current listing window in seconds (see `enqueueListing`).
    public static func listingWindow(jobs: JobClient, on connection: PostgresConnection) async throws -> Int {
        let lastSeconds = try await jobs.lastCompletedRunSeconds(kind: kind, on: connection) ?? 0
        var window = listingWindowSeconds
        while Double(window) < lastSeconds * 10, window < maximumListingWindowSeconds { window *= 2 }
        return window
    }
}

extension PublicationProfileRefreshJob {
    /// The job refreshing `candidacyID`.
    public static func job(candidacyID: String, reason: String) throws -> NewJob {
        try NewJob(Self(candidacyID: candidacyID, reason: reason))
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
