import ConocelesCore
import Foundation
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `registration.ingest`: applies one stored registration event, once.
/// - approval: registers the candidacy and starts the `candidacy-approved` pipeline
///   (accounts, then the credentials e-mail) in the same transaction;
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
public struct RegistrationIngestWorker: JobWorker {
    public typealias Args = IngestJob
    public static let kind = IngestJob.kind

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    public func work(_ args: IngestJob, context: JobContext) async throws {
        let events = RegistrationEventRepository(client: environment.client, logger: context.logger)
        guard let stored = try await events.event(id: args.eventID) else {
            throw JobCancel("registration event \(args.eventID) does not exist")
        }
        guard stored.status == .pending || stored.status == .held else { return }  // applied once
        let wire = try JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(stored.body.utf8))
        let event: CandidacyEvent
        switch CandidacyEventParser.parse(wire, processID: environment.process.id) {
        case .success(let parsed): event = parsed
        case .failure(let errors):
            try await settle(events, stored.id, .rejected, errors.fields.map(\.message).joined(separator: " "))
            return
        }
        // The same check as the CSV import's, which refuses such rows before storing them.
        let found = event.inconsistencies(with: environment.process, catalogs: environment.catalogs)
        guard found.isEmpty else {
            try await settle(events, stored.id, .rejected, found.map(\.message).joined(separator: " "))
            return
        }
        let candidacies = CandidacyRepository(client: environment.client, logger: context.logger)
        let actor = AuditActor.system(Self.kind)
        let logger = context.logger
        // Each event applies in one transaction that first locks the candidacies it names, so
        // an event held because its candidacy is unknown and the creation of that candidacy
        // (which releases what is held for it, in its own transaction) can't cross.
        switch event.kind {
        case .approved, .updated:
            guard let candidacy = event.candidacy else { return }
            try await environment.client.withTransaction(logger: logger) { tx in
                try await events.lockCandidacy(candidacy.id, on: tx)
                if let current = try await candidacies.candidacy(id: candidacy.id, on: tx) {
                    // An approval of a candidacy already registered (another event approved it)
                    // changes nothing; an update is the registration system's correction.
                    if event.kind == .updated {
                        if let refusal = CandidacyRepository.updateRefusal(of: current, to: candidacy) {
                            try await events.reject(stored.id, reason: refusal, on: tx)
                            return
                        }
                        let changed = try await candidacies.applyUpdate(candidacy, to: current, by: actor, on: tx)
                        if !changed.isEmpty {
                            try await refreshPublication(candidacy.id, reason: "actualizacion", on: tx, logger: logger)
                            logger.info("candidacy updated", metadata: ["candidacy_id": "\(candidacy.id)", "fields": "\(changed.joined(separator: ","))"])
                        }
                    }
                } else {
                    try await candidacies.registerMany([candidacy], by: actor, on: tx)
                    try await startAccounts(candidacy.id, eventID: stored.id, on: tx)
                    // Listed within a window (bursts of approvals); withdrawals below go at once.
                    try await PublicationRebuildWorker.enqueueListing(jobs: environment.jobs, on: tx)
                    try await releaseHeld(for: candidacy.id, events: events, on: tx)
                }
                try await events.markApplied(stored.id, on: tx)
            }
        case .cancelled:
            try await environment.client.withTransaction(logger: logger) { tx in
                try await events.lockCandidacy(event.candidacyID, on: tx)
                guard let current = try await candidacies.candidacy(id: event.candidacyID, on: tx) else {
                    try await events.hold(stored.id, reason: "La candidatura \(event.candidacyID) aún no está aprobada; se aplicará cuando llegue su aprobación.", on: tx)
                    return
                }
                if current.status == .approved {
                    _ = try await candidacies.withdraw(current.id, as: .cancelled, by: actor, on: tx)
                    try await refreshPublication(current.id, reason: "cancelacion", on: tx, logger: logger)
                }
                try await events.markApplied(stored.id, on: tx)
            }
        case .substituted:
            guard let substitute = event.candidacy, let replaced = event.replacesCandidacyID else { return }
            try await environment.client.withTransaction(logger: logger) { tx in
                // Both locks, always in the same order, so two substitutions can't deadlock.
                for id in [replaced, substitute.id].sorted() { try await events.lockCandidacy(id, on: tx) }
                guard let old = try await candidacies.candidacy(id: replaced, on: tx) else {
                    try await events.hold(stored.id, reason: "La candidatura sustituida \(replaced) aún no está aprobada; se aplicará cuando llegue su aprobación.", on: tx)
                    return
                }
                let alreadyThere = try await candidacies.candidacy(id: substitute.id, on: tx) != nil
                if old.status != .approved && !alreadyThere {
                    // A second substitution of the same candidacy (A→B, then A→C), or of one
                    // already cancelled: one position never gets two people. Kept for staff.
                    try await events.reject(stored.id, reason: "La candidatura \(replaced) ya está \(old.status.label.lowercased()); "
                                            + "no puede sustituirse de nuevo por \(substitute.id). Revise la sustitución con el sistema de registro.", on: tx)
                    return
                }
                if old.status == .approved {
                    _ = try await candidacies.withdraw(old.id, as: .substituted, by: actor, on: tx)
                    try await refreshPublication(old.id, reason: "sustitucion", on: tx, logger: logger)
                }
                if !alreadyThere {
                    try await candidacies.registerMany([substitute], by: actor, on: tx)
                    try await startAccounts(substitute.id, eventID: stored.id, on: tx)
                    try await refreshPublication(substitute.id, reason: "sustitucion", on: tx, logger: logger)
                    try await releaseHeld(for: substitute.id, events: events, on: tx)
                }
                try await events.markApplied(stored.id, on: tx)
            }
        }
    }

    /// Asks for `candidacyID`'s row of the public snapshot to be refreshed with the
    /// registration change on `tx` (one-profile path): a withdrawn candidacy disappears, a
    /// substitute is listed.
    func refreshPublication(_ candidacyID: String, reason: String, on tx: PostgresConnection, logger: Logger) async throws {
        try await PublicationProfileRefreshWorker.enqueue(
            processID: environment.process.id, candidacyID: candidacyID, reason: reason, jobs: environment.jobs, on: tx, logger: logger)
    }

    func startAccounts(_ candidacyID: String, eventID: String, on tx: PostgresConnection) async throws {
        let args = try String(decoding: JSONEncoder().encode(CandidacyJob(candidacyID: candidacyID, eventID: eventID)), as: UTF8.self)
        try await environment.pipelines.start(JobEnvironment.approvedPipeline, argsJSON: args, on: tx)
    }

    /// Events held for this candidacy (a cancellation, or a substitution of it, that came
    /// first) go back to the queue in the transaction that made the candidacy exist: a crash
    /// after that commit can't leave them held for good.
    func releaseHeld(for candidacyID: String, events: RegistrationEventRepository, on tx: PostgresConnection) async throws {
        let ids = try await events.releasableEvents(for: candidacyID, on: tx)
        guard !ids.isEmpty else { return }
        _ = try await environment.jobs.insertMany(ids.map { try NewJob(kind: Self.kind, args: IngestJob(eventID: $0)) }, on: tx)
    }

    func settle(_ events: RegistrationEventRepository, _ id: String, _ status: RegistrationEvent.Status, _ reason: String?) async throws {
        try await events.settle(id, to: status, reason: reason)
    }
}
