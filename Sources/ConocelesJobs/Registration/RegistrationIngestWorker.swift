import ConocelesCore
import Foundation
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `registration.ingest`: applies one stored registration event, once.
/// - approval: registers the candidacy and starts the `candidacy-approved` pipeline
///   (accounts, then the credentials e-mail) in the same transaction;
/// - cancellation / substitution of a candidacy not yet known: held, and applied when the
///   approval arrives (events may come out of order);
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
        let candidacies = CandidacyRepository(client: environment.client, logger: context.logger)
        let actor = AuditActor.system(Self.kind)
        switch event.kind {
        case .approved, .updated:
            guard let candidacy = event.candidacy else { return }
            if let reason = inconsistency(of: candidacy) {
                try await settle(events, stored.id, .rejected, reason)
                return
            }
            if try await candidacies.candidacy(id: candidacy.id) == nil {
                try await environment.client.withTransaction(logger: context.logger) { tx in
                    try await candidacies.registerMany([candidacy], by: actor, on: tx)
                    try await startAccounts(candidacy.id, eventID: stored.id, on: tx)
                    // Listed within a window (bursts of approvals); withdrawals below go at once.
                    try await PublicationRebuildWorker.enqueueListing(jobs: environment.jobs, on: tx)
                    try await events.markApplied(stored.id, on: tx)
                }
                try await releaseHeld(candidacyID: candidacy.id, events: events, context: context)
            } else {
                // Already registered (another event approved it): nothing more to do.
                try await settle(events, stored.id, .applied, nil)
            }
        case .cancelled:
            guard let current = try await candidacies.candidacy(id: event.candidacyID) else {
                try await settle(events, stored.id, .held, "La candidatura \(event.candidacyID) aún no está aprobada; se aplicará cuando llegue su aprobación.")
                return
            }
            if current.status == .approved {
                try await environment.client.withTransaction(logger: context.logger) { tx in
                    _ = try await candidacies.withdraw(current.id, as: .cancelled, by: actor, on: tx)
                    try await refreshPublication(current.id, reason: "cancelacion", on: tx, logger: context.logger)
                    try await events.markApplied(stored.id, on: tx)
                }
            } else {
                try await settle(events, stored.id, .applied, nil)
            }
        case .substituted:
            guard let substitute = event.candidacy, let replaced = event.replacesCandidacyID else { return }
            if let reason = inconsistency(of: substitute) {
                try await settle(events, stored.id, .rejected, reason)
                return
            }
            guard let old = try await candidacies.candidacy(id: replaced) else {
                try await settle(events, stored.id, .held, "La candidatura sustituida \(replaced) aún no está aprobada; se aplicará cuando llegue su aprobación.")
                return
            }
            let alreadyThere = try await candidacies.candidacy(id: substitute.id) != nil
            try await environment.client.withTransaction(logger: context.logger) { tx in
                if old.status == .approved {
                    _ = try await candidacies.withdraw(old.id, as: .substituted, by: actor, on: tx)
                }
                try await refreshPublication(old.id, reason: "sustitucion", on: tx, logger: context.logger)
                if !alreadyThere {
                    try await candidacies.registerMany([substitute], by: actor, on: tx)
                    try await startAccounts(substitute.id, eventID: stored.id, on: tx)
                    try await refreshPublication(substitute.id, reason: "sustitucion", on: tx, logger: context.logger)
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

    /// The reason a valid event can't apply to this process, if any.
    func inconsistency(of candidacy: Candidacy) -> String? {
        let found = candidacy.inconsistencies(with: environment.process, catalogs: environment.catalogs)
        return found.isEmpty ? nil : found.map(\.message).joined(separator: " ")
    }

    func startAccounts(_ candidacyID: String, eventID: String, on tx: PostgresConnection) async throws {
        let args = try String(decoding: JSONEncoder().encode(CandidacyJob(candidacyID: candidacyID, eventID: eventID)), as: UTF8.self)
        try await environment.pipelines.start(JobEnvironment.approvedPipeline, argsJSON: args, on: tx)
    }

    /// Events held for this candidacy (a cancellation or substitution that came first) go
    /// back to the queue now that the candidacy exists.
    func releaseHeld(candidacyID: String, events: RegistrationEventRepository, context: JobContext) async throws {
        let held = try await events.heldEvents(candidacyID: candidacyID)
        let replacing = try await heldSubstitutions(replacing: candidacyID)
        let ids = held.map(\.id) + replacing
        guard !ids.isEmpty else { return }
        try await environment.jobs.insertMany(ids.map { try NewJob(kind: Self.kind, args: IngestJob(eventID: $0)) })
    }

    /// Held substitutions whose replaced candidacy is this one (they are stored under the substitute's id).
    func heldSubstitutions(replacing candidacyID: String) async throws -> [String] {
        var ids: [String] = []
        for try await id in try await environment.client.query("""
            SELECT id FROM registration_events
             WHERE status = 'held' AND type = 'substitution' AND body ->> 'replaces_candidacy_id' = \(candidacyID)
            """).decode(String.self) { ids.append(id) }
        return ids
    }

    func settle(_ events: RegistrationEventRepository, _ id: String, _ status: RegistrationEvent.Status, _ reason: String?) async throws {
        try await events.settle(id, to: status, reason: reason)
    }
}
