import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `registration.ingest`: applies stored registration events, once, in batches.
///
/// The events stored together (a group commit of the API, an import) have one job, which
/// claims up to ``batchSize`` pending events, oldest first (`FOR UPDATE SKIP LOCKED`), and
/// again until fewer are left (then every pending event it did not take is held by another
/// batch, or has a job of its own still to run); after ``maxBatchesPerJob`` full batches it
/// leaves a job for the oldest pending event and ends. Each event's body is decoded
/// once and the batch applies in one transaction: the approvals' candidacies, workflows,
/// accounts (the candidacy's and its entity's generic one) and audit lines set-based, one
/// e-mail job for the batch (``CredentialsMailWorker/batchJob()``), one listing refresh, the
/// held events they release and every event's new status in one statement each. A job whose
/// event another batch took finds it settled and ends. An event that can't apply is kept as
/// rejected with its reason, and never blocks its batch: when the batch fails in the database
/// it is applied again event by event, and the one that fails alone is rejected.
///
/// What each event does:
/// - approval: registers the candidacy and its accounts;
/// - update of a known candidacy: the registration system's correction of the person or its
///   place (`CandidacyRepository.updatableFields`), audited, and the public profile follows;
///   one that would change the office, who postulates it or the formula position, or that
///   concerns a withdrawn candidacy, is kept as rejected with its reason (an update that
///   arrives before the approval registers the candidacy, as an approval would);
/// - cancellation / substitution of a candidacy not yet known: held, and applied when the
///   candidacy appears, by its approval or as another substitution's substitute (events may
///   come out of order); released in the transaction that creates the candidacy;
/// - a substitution that names the candidacy itself, or replaces a candidacy already
///   withdrawn by another substitution or a cancellation: rejected with its reason;
/// - an event that can't apply (unknown office or party): kept as rejected with its reason,
///   for staff to fix and replay — never dropped.
public struct RegistrationIngestWorker: EnvironmentWorker {
    public typealias Args = IngestJob
    /// Events applied in one transaction.
    public static let batchSize = 500
    /// Batches one job applies at most before it leaves the rest to their own jobs.
    static let maxBatchesPerJob = 8

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    public func work(_ args: IngestJob, context: JobContext) async throws {
        let events = RegistrationEventRepository(client: environment.client, logger: context.logger)
        if let ids = args.eventIDs, !ids.isEmpty, ids.count <= Self.batchSize {
            // The events stored together with this job, by their ids (another batch may have
            // taken some: those are skipped, and applied by it).
            do {
                try await environment.client.withTransaction(logger: context.logger) { tx in
                    try await apply(try await events.claim(ids: ids, on: tx), on: tx, logger: context.logger)
                }
            } catch  where Self.isDataError(error) {
                context.logger.warning(
                    "ingest batch refused by the database; applying it event by event",
                    metadata: ["sqlstate": "\(PostgresErrorText.sqlState(error) ?? "")"])
                _ = try await applyOneByOne(including: args.eventID, events: events, logger: context.logger)
            }
            return
        }
        for _ in 0..<Self.maxBatchesPerJob {
            let claimed: Int
            do {
                claimed = try await environment.client.withTransaction(logger: context.logger) { tx in
                    let batch = try await events.claimBatch(including: args.eventID, limit: Self.batchSize, on: tx)
                    try await apply(batch, on: tx, logger: context.logger)
                    return batch.count
                }
            } catch  where Self.isDataError(error) {
                // Something in the batch the database refuses: apply it event by event, so the
                // one at fault is rejected alone and the rest commit.
                context.logger.warning(
                    "ingest batch refused by the database; applying it event by event",
                    metadata: ["sqlstate": "\(PostgresErrorText.sqlState(error) ?? "")"])
                claimed = try await applyOneByOne(including: args.eventID, events: events, logger: context.logger)
            }
            if claimed < Self.batchSize { return }
        }
        // A long backlog: the rest goes to a job of its own (a job's time is bounded).
        try await environment.client.withTransaction(logger: context.logger) { tx in
            guard let oldest = try await events.oldestPending(on: tx) else { return }
            _ = try await environment.jobs.insertMany([try NewJob(IngestJob(eventID: oldest))], on: tx)
        }
    }

    /// Whether `error` is PostgreSQL refusing the data (a constraint, a value out of range),
    /// not a passing problem (a lost connection, a timeout) that a retry of the job heals.
    static func isDataError(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError, let closure = transaction.closureError { return isDataError(closure) }
        if error is StorageError { return true }
        guard let state = PostgresErrorText.sqlState(error) else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23") || state.hasPrefix("P0")
    }

    /// Claims the batch again and applies each event in a savepoint of its own; an event the
    /// database refuses is rejected with its reason. Returns how many events were claimed.
    func applyOneByOne(including eventID: String, events: RegistrationEventRepository, logger: Logger) async throws -> Int {
        try await environment.client.withTransaction(logger: logger) { tx in
            let batch = try await events.claimBatch(including: eventID, limit: Self.batchSize, on: tx)
            for stored in batch {
                try await tx.query("SAVEPOINT ingest_event", logger: logger)
                do {
                    try await apply([stored], on: tx, logger: logger)
                    try await tx.query("RELEASE SAVEPOINT ingest_event", logger: logger)
                } catch  where Self.isDataError(error) {
                    try await tx.query("ROLLBACK TO SAVEPOINT ingest_event", logger: logger)
                    let reason =
                        "La base de datos rechazó el evento (\(PostgresErrorText.sqlState(error) ?? "error")): "
                        + "\(PostgresErrorText.describe(error)). Corríjalo y vuelva a aplicarlo."
                    try await events.settleMany([(stored.id, .rejected, String(reason.prefix(500)))], on: tx)
                    logger.warning("registration event rejected by the database", metadata: ["event_id": "\(stored.id)"])
                }
            }
            return batch.count
        }
    }

    /// Applies `batch` (claimed, oldest first) on `tx`.
    func apply(_ batch: [RegistrationEvent], on tx: PostgresConnection, logger: Logger) async throws {
        guard !batch.isEmpty else { return }
        let events = RegistrationEventRepository(client: environment.client, logger: logger)
        let candidacies = CandidacyRepository(client: environment.client, logger: logger)
        var outcomes: [(id: String, status: RegistrationEvent.Status, reason: String?)] = []
        // 1. Each body decoded and checked once.
        var parsed: [(stored: RegistrationEvent, event: CandidacyEvent, wire: CandidacyEventParser.Wire)] = []
        for stored in batch {
            guard let wire = try? JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(stored.body.utf8)) else {
                outcomes.append((stored.id, .rejected, "El cuerpo del evento no es JSON válido."))
                continue
            }
            switch CandidacyEventParser.parse(wire, processID: environment.process.id) {
            case .failure(let errors):
                outcomes.append((stored.id, .rejected, errors.fields.map(\.message).joined(separator: " ")))
            case .success(let event):
                // The same check as the CSV import's, which refuses such rows before storing them.
                let found = event.inconsistencies(with: environment.process, catalogs: environment.catalogs)
                if found.isEmpty {
                    parsed.append((stored, event, wire))
                } else {
                    outcomes.append((stored.id, .rejected, found.map(\.message).joined(separator: " ")))
                }
            }
        }
        // 2. Every candidacy the batch names locked (an event held because its candidacy is
        //    unknown and the creation of that candidacy can't cross), then read once.
        let named = parsed.flatMap { [$0.event.candidacyID] + ($0.event.replacesCandidacyID.map { [$0] } ?? []) }
        try await events.lockCandidacies(named, on: tx)
        var known = try await candidacies.existing(ids: named, on: tx)
        // 3. In order: approvals of new candidacies gather into one registration; anything
        //    else first writes what gathered, then applies on its own (rare events).
        var pending = Registration()
        for (stored, event, wire) in parsed {
            if event.kind == .approved || event.kind == .updated, let candidacy = event.candidacy, known[candidacy.id] == nil {
                pending.add(candidacy, wire: wire)
                known[candidacy.id] = candidacy
                outcomes.append((stored.id, .applied, nil))
                continue
            }
            if event.kind == .approved {  // an approval of a candidacy already registered changes nothing
                outcomes.append((stored.id, .applied, nil))
                continue
            }
            try await register(&pending, on: tx, logger: logger)
            try await applyAlone(stored: stored, event: event, wire: wire, on: tx, logger: logger)
            for id in [event.candidacyID] + (event.replacesCandidacyID.map { [$0] } ?? []) {
                known[id] = try await candidacies.candidacy(id: id, on: tx)
            }
        }
        try await register(&pending, on: tx, logger: logger)
        try await events.settleMany(outcomes, on: tx)
    }

    /// The approvals gathered in a batch: their candidacies and accounts.
    struct Registration {
        var candidacies: [Candidacy] = []
        var accounts: [NewAccount] = []
        var entitiesWithAccount: Set<PostulatingEntity> = []

        mutating func add(_ candidacy: Candidacy, wire: CandidacyEventParser.Wire) {
            candidacies.append(candidacy)
            if let email = wire.candidacy?.email {
                accounts.append(
                    .candidate(
                        username: AccountIssueWorker.username(for: candidacy.id), email: email,
                        displayName: candidacy.fullName, processID: candidacy.processID, candidacyID: candidacy.id))
            }
            // The generic account belongs to the entity: created with its first approved
            // candidacy that names the representative (an existing one is kept).
            let entity = candidacy.postulatingEntity
            if let representative = wire.candidacy?.representativeEmail, !representative.isEmpty, !entitiesWithAccount.contains(entity) {
                entitiesWithAccount.insert(entity)
                accounts.append(
                    .representative(
                        username: AccountIssueWorker.username(forEntity: entity), email: representative,
                        displayName: "Representación \(entity.code)", processID: candidacy.processID, entity: entity))
            }
        }
    }

    /// Writes the gathered approvals on `tx`: candidacies, workflows, accounts and audit lines
    /// set-based, the held events they release, one e-mail job, one listing refresh.
    func register(_ registration: inout Registration, on tx: PostgresConnection, logger: Logger) async throws {
        guard !registration.candidacies.isEmpty else { return }
        let actor = AuditActor.system(Self.kind)
        try await CandidacyRepository(client: environment.client, logger: logger).registerMany(registration.candidacies, by: actor, on: tx)
        try await createAccounts(registration.accounts, for: registration.candidacies, on: tx, logger: logger)
        // Listed within a window (bursts of approvals); withdrawals go at once.
        try await PublicationRebuildJob.enqueueListing(jobs: environment.jobs, on: tx)
        try await releaseHeld(for: registration.candidacies.map(\.id), on: tx, logger: logger)
        registration = Registration()
    }

    /// Creates `accounts` awaiting their credentials, and the e-mail job that sends them with
    /// the generic accounts of `candidacies`' entities never mailed yet (their e-mail found no
    /// approved candidacy of the entity then: it goes with the entity's next one).
    func createAccounts(_ accounts: [NewAccount], for candidacies: [Candidacy], on tx: PostgresConnection, logger: Logger) async throws {
        let repository = AccountRepository(client: environment.client, logger: logger)
        let created = try await repository.createAwaitingCredentials(accounts, by: .system(Self.kind), on: tx)
        let entities = Array(Set(candidacies.map(\.postulatingEntity)))
        let waiting = try await repository.unsentRepresentativeAccounts(processID: environment.process.id, entities: entities, on: tx)
        let due = Array(Set(created + waiting))
        guard !due.isEmpty else { return }
        _ = try await environment.jobs.insertMany([try CredentialsMailWorker.batchJob(accounts: due)], on: tx)
    }

    /// Applies one event that is not the approval of a new candidacy (an update, a
    /// cancellation, a substitution) on `tx`, settling it.
    func applyAlone(
        stored: RegistrationEvent, event: CandidacyEvent, wire: CandidacyEventParser.Wire,
        on tx: PostgresConnection, logger: Logger
    ) async throws {
        let events = RegistrationEventRepository(client: environment.client, logger: logger)
        let candidacies = CandidacyRepository(client: environment.client, logger: logger)
        let actor = AuditActor.system(Self.kind)
        switch event.kind {
        case .approved, .updated:
            guard let candidacy = event.candidacy, let current = try await candidacies.candidacy(id: candidacy.id, on: tx) else { return }
            // An update is the registration system's correction.
            if let refusal = CandidacyRepository.updateRefusal(of: current, to: candidacy) {
                try await events.reject(stored.id, reason: refusal, on: tx)
                return
            }
            let changed = try await candidacies.applyUpdate(candidacy, to: current, by: actor, on: tx)
            if !changed.isEmpty {
                try await refreshPublication(candidacy.id, reason: "actualizacion", on: tx, logger: logger)
                logger.info("candidacy updated", metadata: ["candidacy_id": "\(candidacy.id)", "fields": "\(changed.joined(separator: ","))"])
            }
            // A corrected e-mail (the commonest reason a person never gets an account): the
            // credentials go to the new address as a new issue; the old link stops working.
            if let email = wire.candidacy?.email,
                try await AccountRepository(client: environment.client, logger: logger)
                    .correctEmailFromRegistration(candidacyID: candidacy.id, to: email, by: actor, on: tx)
            {
                _ = try await environment.jobs.insertMany([try CredentialsMailWorker.batchJob()], on: tx)
                logger.info("candidacy e-mail corrected; credentials sent again", metadata: ["candidacy_id": "\(candidacy.id)"])
            }
            try await events.markApplied(stored.id, on: tx)
        case .cancelled:
            guard let current = try await candidacies.candidacy(id: event.candidacyID, on: tx) else {
                try await events.hold(
                    stored.id, reason: "La candidatura \(event.candidacyID) aún no está aprobada; se aplicará cuando llegue su aprobación.", on: tx)
                return
            }
            if current.status == .approved {
                _ = try await candidacies.withdraw(current.id, as: .cancelled, by: actor, on: tx)
                try await refreshPublication(current.id, reason: "cancelacion", on: tx, logger: logger)
            }
            try await events.markApplied(stored.id, on: tx)
        case .substituted:
            guard let substitute = event.candidacy, let replaced = event.replacesCandidacyID else { return }
            guard let old = try await candidacies.candidacy(id: replaced, on: tx) else {
                try await events.hold(
                    stored.id, reason: "La candidatura sustituida \(replaced) aún no está aprobada; se aplicará cuando llegue su aprobación.", on: tx)
                return
            }
            let alreadyThere = try await candidacies.candidacy(id: substitute.id, on: tx) != nil
            if old.status != .approved && !alreadyThere {
                // A second substitution of the same candidacy (A→B, then A→C), or of one
                // already cancelled: one position never gets two people. Kept for staff.
                try await events.reject(
                    stored.id,
                    reason: "La candidatura \(replaced) ya está \(old.status.label.lowercased()); "
                        + "no puede sustituirse de nuevo por \(substitute.id). Revise la sustitución con el sistema de registro.", on: tx)
                return
            }
            if old.status == .approved {
                _ = try await candidacies.withdraw(old.id, as: .substituted, by: actor, on: tx)
                try await refreshPublication(old.id, reason: "sustitucion", on: tx, logger: logger)
            }
            if !alreadyThere {
                var registration = Registration()
                registration.add(substitute, wire: wire)
                try await candidacies.registerMany(registration.candidacies, by: actor, on: tx)
                try await createAccounts(registration.accounts, for: registration.candidacies, on: tx, logger: logger)
                try await refreshPublication(substitute.id, reason: "sustitucion", on: tx, logger: logger)
                try await releaseHeld(for: [substitute.id], on: tx, logger: logger)
            }
            try await events.markApplied(stored.id, on: tx)
        }
    }

    /// Asks for `candidacyID`'s row of the public snapshot to be refreshed with the
    /// registration change on `tx` (one-profile path): a withdrawn candidacy disappears, a
    /// substitute is listed.
    func refreshPublication(_ candidacyID: String, reason: String, on tx: PostgresConnection, logger: Logger) async throws {
        try await PublicationProfileRefreshJob.enqueue(
            processID: environment.process.id, candidacyID: candidacyID, reason: reason, jobs: environment.jobs, on: tx, logger: logger)
    }

    /// Events held for these candidacies (a cancellation, or a substitution of them, that
    /// came first) go back to pending, with their jobs, in the transaction that made the
    /// candidacies exist: a crash after that commit can't leave them held for good.
    func releaseHeld(for candidacyIDs: [String], on tx: PostgresConnection, logger: Logger) async throws {
        let ids = try await RegistrationEventRepository(client: environment.client, logger: logger).releaseHeld(for: candidacyIDs, on: tx)
        guard !ids.isEmpty else { return }
        _ = try await environment.jobs.insertMany(ids.map { try NewJob(IngestJob(eventID: $0)) }, on: tx)
    }
}
