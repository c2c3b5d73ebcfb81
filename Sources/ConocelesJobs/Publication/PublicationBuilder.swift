import ConocelesCore
import Foundation
import Logging
import PostgresNIO
import Storage
import Synchronization

/// Builds a publication snapshot from the database and makes it current: every approved,
/// active candidacy is listed; those whose profile has a published version carry it, with
/// the identity groups `PublicationRules.publicIdentity` allows (the identity answers are
/// opened here, in memory, and only what may be public is stored), the published photo
/// and the publication dates. Substituted and cancelled candidacies are left out. The identity
/// statistics are not part of a build: they change on their own schedule (`StatisticsPublisher`).
public struct PublicationBuilder: Sendable {
    /// What a build produced.
    public struct Outcome: Sendable, Equatable {
        public var version: Int64
        public var listed: Int
        public var published: Int
        /// Rows written: the candidacies whose public document or place changed.
        public var rowsWritten: Int
        /// Rows of the previous snapshot closed (changed or no longer listed).
        public var rowsClosed = 0
        /// Where the time went: reading the sources, building the profiles, writing and
        /// switching, then pruning old versions (and analyzing after a large write).
        public var timings = Timings()
    }

    /// Milliseconds of each phase of a full rebuild. The profiles are built and encoded while
    /// the rows are read, and the changed ones written meanwhile: `readMS` is the wall time
    /// until the last row was built, `buildMS` the time the decoding tasks spent building and
    /// encoding (summed over the tasks; it overlaps the read), `writeMS` what the write still
    /// took after that (settling display keys, late rows, the switch).
    public struct Timings: Sendable, Equatable {
        public var readMS: Int64 = 0
        public var buildMS: Int64 = 0
        public var writeMS: Int64 = 0
        public var pruneMS: Int64 = 0
    }

    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let process: ElectionProcess
    let catalogs: Catalogs
    let rules: ValidationRules
    let clock: @Sendable () -> Date

    /// A builder for `process`; `rules` give the education names (default: the process's).
    public init(
        client: PostgresClient, cipher: SensitiveDataCipher, process: ElectionProcess, catalogs: Catalogs,
        rules: ValidationRules? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.cipher = cipher
        self.process = process
        self.catalogs = catalogs
        self.rules = rules ?? process.rules
        self.clock = clock
    }

    /// Rows written or closed by a rebuild past which the snapshot tables are analyzed.
    static let analyzeAfterRows = 1_000

    /// Builds and switches to a new snapshot. Logs how long reading, building and writing took.
    public func build(logger: Logger) async throws -> Outcome {
        let repository = PublicationRepository(client: client, logger: logger)
        let started = ContinuousClock.now
        // Each profile is built and encoded in the task that decoded its row, while later rows
        // still arrive, and handed to the snapshot's writer, which writes the changed ones on
        // its own connection meanwhile: `readMS` is the wall time of all three, `buildMS` the
        // building's sum, `writeMS` what the write still had to do once everything was read.
        let buildWork = WorkTime()
        let read = Mutex(ContinuousClock.now)
        let saved = try await repository.saveSnapshot(processID: process.id, builtAt: clock()) { sink in
            let encoded = try await repository.sources(
                processID: process.id, timeZone: process.timeZone,
                transform: { source in
                    let start = ContinuousClock.now
                    defer { buildWork.add(ContinuousClock.now - start) }
                    return try profile(of: source, withGroups: false, logger: logger).map { try PublicationRepository.encode($0.profile) }
                },
                completed: { sink.yield($0) }
            ).compactMap { $0 }
            read.withLock { $0 = ContinuousClock.now }
            return encoded
        }
        let written = ContinuousClock.now
        let pruned = try await repository.prune(processID: process.id)
        if saved.rowsWritten + saved.rowsClosed >= Self.analyzeAfterRows { try await repository.analyze() }
        let readAt = read.withLock { $0 }
        let timings = Timings(
            readMS: (readAt - started).milliseconds, buildMS: buildWork.total.milliseconds,
            writeMS: (written - readAt).milliseconds, pruneMS: (ContinuousClock.now - written).milliseconds)
        logger.info(
            "publication snapshot built",
            metadata: [
                "version": "\(saved.version)", "listed": "\(saved.listed)", "rows_written": "\(saved.rowsWritten)",
                "rows_closed": "\(saved.rowsClosed)", "rows_pruned": "\(pruned)", "read_ms": "\(timings.readMS)",
                "build_ms": "\(timings.buildMS)", "write_ms": "\(timings.writeMS)", "prune_analyze_ms": "\(timings.pruneMS)",
            ])
        return Outcome(
            version: saved.version, listed: saved.listed, published: saved.published,
            rowsWritten: saved.rowsWritten, rowsClosed: saved.rowsClosed, timings: timings)
    }

    /// The people the identity statistics count now: every published profile with the groups
    /// its identity questionnaire says it identifies with (opened here, in memory) and what
    /// its public profile already shows (`StatisticsPerson`).
    public func statisticsPersons(logger: Logger) async throws -> [StatisticsPerson] {
        let sources = try await PublicationRepository(client: client, logger: logger).sources(processID: process.id, timeZone: process.timeZone)
        return try await sources.concurrentMap { source in profile(of: source, withGroups: true, logger: logger) }
            .compactMap { $0.flatMap { StatisticsPerson(profile: $0.profile, groups: $0.groups) } }
    }

    /// Makes a new current snapshot in which only `candidacyID` changed (added, replaced or
    /// removed), sharing every other row (`PublicationRepository.refreshProfile`); falls back
    /// to a full `build` when there is no snapshot yet or no room in the display order.
    public func refresh(candidacyID: String, logger: Logger) async throws -> ProfileRefreshOutcome {
        let repository = PublicationRepository(client: client, logger: logger)
        let outcome = try await repository.refreshProfile(
            processID: process.id, timeZone: process.timeZone, candidacyID: candidacyID, builtAt: clock()
        ) { source in source.flatMap { profile(of: $0, withGroups: false, logger: logger)?.profile } }
        if outcome == .needsFullRebuild {
            _ = try await build(logger: logger)
        } else if outcome.newVersion != nil {
            try await repository.prune(processID: process.id)
        }
        return outcome
    }

    /// The public profile of `source` and, `withGroups`, the identity groups it identifies with
    /// (for the aggregated statistics only); nil when the candidacy is not public at all.
    ///
    /// The identity answers are opened only when something needs them: the statistics
    /// (`withGroups`), or a profile whose consent and verified copy let them be public.
    /// Opening (decrypting and decoding) was a fifth of a full rebuild's CPU, spent on
    /// answers that were then thrown away.
    func profile(of source: PublicationSource, withGroups: Bool, logger: Logger) -> (profile: PublishedProfile, groups: [IdentityGroup])? {
        let candidacy = source.candidacy
        let visibility = PublicationRules.visibility(of: candidacy, profileState: source.state)
        guard visibility != .hidden else { return nil }
        let published = visibility == .profilePublished ? source.published : nil
        let identityMayShow =
            source.identityIsPublished
            && PublicationRules.consentPublishes(source.consent, signedForm: source.consentBySignedForm, candidacy: candidacy)
        var identity: IdentityQuestionnaire?
        if published != nil, withGroups || identityMayShow, let sealed = source.sealedIdentity {
            do {
                identity = try cipher.open(IdentityQuestionnaire.self, from: sealed, context: candidacy.id)
            } catch {
                // Shows less, never more: the profile is published without identity answers.
                logger.error(
                    "identity answers could not be opened for publication",
                    metadata: ["candidacy_id": "\(candidacy.id)", "error": "\(String(reflecting: error))"])
            }
        }
        let curricular = published.map { answers in
            var curricular = PublishedProfile.Curricular(
                contact: answers.contact, education: name(of: answers.maximumDegree, in: rules.educationLevels),
                educationStatus: name(of: answers.degreeStatus, in: rules.educationStatuses), otherTraining: answers.otherTraining)
            for text in CurricularField.texts.compactMap(\.text) { curricular[keyPath: text.published] = answers[keyPath: text.answer] }
            return curricular
        }
        let hasProfile = curricular != nil
        let entity = candidacy.postulatingEntity
        let profile = PublishedProfile(
            id: candidacy.id, fullName: candidacy.fullName, officeCode: candidacy.officeCode,
            officeName: process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode,
            entityKind: entity.kind, entityCode: entity.code, entityName: entity.displayName(in: process) ?? entity.code,
            district: candidacy.district, municipality: candidacy.municipality,
            municipalityName: candidacy.municipality.flatMap { catalogs.municipalities.entry(forKey: $0)?.name },
            listPosition: candidacy.listPosition, formulaPosition: candidacy.formulaPosition,
            gender: hasProfile ? candidacy.gender : nil,
            ageYears: hasProfile ? candidacy.age.years(on: process.electionDay) : nil,
            affirmativeAction: hasProfile ? candidacy.affirmativeAction : nil,
            curricular: curricular, educationKey: published?.maximumDegree,
            identity: hasProfile
                ? PublicationRules.publicIdentity(
                    of: source.identityIsPublished ? identity : nil, candidacy: candidacy, consent: source.consent,
                    signedForm: source.consentBySignedForm, catalogs: catalogs) : [],
            photo: hasProfile
                ? source.photo.map {
                    PublishedProfile.Photo(sha256: $0.sha256, contentType: $0.contentType, width: $0.width, height: $0.height)
                } : nil,
            publishedOn: hasProfile ? source.publishedOn : nil, republishedOn: hasProfile ? source.republishedOn : nil)
        return (profile, identity?.groupsIdentifiedWith ?? [])
    }

    private func name(of key: String?, in catalog: [CatalogEntry]) -> String? {
        guard let key else { return nil }
        return catalog.first { $0.key == key }?.name ?? key
    }
}

/// Time spent by concurrent tasks, summed.
final class WorkTime: Sendable {
    private let spent = Mutex(Duration.zero)
    func add(_ duration: Duration) { spent.withLock { $0 += duration } }
    var total: Duration { spent.withLock { $0 } }
}

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
