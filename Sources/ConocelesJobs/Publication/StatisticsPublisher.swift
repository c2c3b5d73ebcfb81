import ConocelesCore
import Foundation
import Logging
import PostgresNIO
import Storage

/// Releases the identity statistics (docs/STATISTICS.md): at most once per period of
/// `publication.statistics_refresh_hours` (`StatisticsSchedule`), it counts the people of the
/// published profiles, protects the tables with `DisclosureControl` together with the previous
/// release (whose people it keeps sealed), stores them and makes a snapshot version that
/// shows them. Between releases the tables do not move, whatever is published meanwhile, so
/// two versions a profile apart cannot be compared to tell that profile's answers.
public struct StatisticsPublisher: Sendable {
    let client: PostgresClient
    let builder: PublicationBuilder
    let cipher: SensitiveDataCipher
    let processID: String
    let schedule: StatisticsSchedule
    let clock: @Sendable () -> Date

    /// A publisher of `processID`'s statistics every `refreshHours` in `timeZone`.
    public init(
        client: PostgresClient, builder: PublicationBuilder, cipher: SensitiveDataCipher, processID: String, refreshHours: Int,
        timeZone: TimeZone, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.builder = builder
        self.cipher = cipher
        self.processID = processID
        self.schedule = StatisticsSchedule(hours: refreshHours, timeZone: timeZone)
        self.clock = clock
    }

    /// The publisher of this deployment.
    public init(environment: JobEnvironment) {
        self.init(
            client: environment.client,
            builder: PublicationBuilder(
                client: environment.client, cipher: environment.cipher, process: environment.process,
                catalogs: environment.catalogs),
            cipher: environment.cipher, processID: environment.process.id,
            refreshHours: environment.configuration.publication.statisticsRefreshHours,
            timeZone: TimeZone(identifier: environment.process.timeZone) ?? .current)
    }

    /// What a call did.
    public struct Outcome: Sendable, Equatable {
        /// The new release's id, nil when none was due.
        public var releaseID: Int64?
        /// Profiles counted and counts reserved.
        public var profiles = 0
        public var reserved = 0
    }

    /// Makes a release when one is due (or always with `force`: tests and operators).
    @discardableResult
    public func releaseIfDue(force: Bool = false, logger: Logger) async throws -> Outcome {
        let repository = PublicationRepository(client: client, logger: logger)
        let now = clock()
        let latest = try await repository.latestStatisticsRelease(processID: processID)
        guard force || schedule.isDue(now: now, last: latest?.releasedAt) else { return Outcome() }
        let started = ContinuousClock.now
        let persons = try await builder.statisticsPersons(logger: logger)
        let context = PublicationRepository.rosterContext(processID: processID)
        var previous: DisclosureControl.Previous?
        if let latest, let roster = latest.roster {
            do {
                previous = DisclosureControl.Previous(
                    persons: try cipher.open([StatisticsPerson].self, from: roster, context: context),
                    release: latest.release)
            } catch {
                // Protected on its own then: this release still holds, the pair is not proven.
                logger.error("previous statistics roster could not be opened", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        let outcome = DisclosureControl.release(persons, previous: previous)
        if !outcome.unprotected.isEmpty {
            // Never the details: they name a person and a group.
            logger.warning("statistics release with unproven targets", metadata: ["unproven": "\(outcome.unprotected.count)"])
        }
        let sealed = try cipher.seal(json: persons, context: context)
        let saved = try await repository.saveStatisticsRelease(processID: processID, release: outcome.release, roster: sealed, releasedAt: now)
        try await repository.prune(processID: processID)
        let reserved = outcome.release.rows.reduce(0) { $0 + $1.reserved.count }
        logger.info(
            "identity statistics released",
            metadata: [
                "release_id": "\(saved.releaseID)", "version": "\(saved.version.map { String($0) } ?? "-")", "profiles": "\(persons.count)",
                "reserved": "\(reserved)", "witnesses": "\(outcome.witnesses.count)", "with_previous": "\(previous != nil)",
                "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
        return Outcome(releaseID: saved.releaseID, profiles: persons.count, reserved: reserved)
    }
}
