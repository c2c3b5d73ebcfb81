import Foundation
import Logging
import PostgresNIO

/// The registration events inbox: each event id is recorded once (a redelivery is
/// recognized), then marked applied, held (to apply when it can) or rejected.
public struct RegistrationEventRepository: Sendable {
    /// What happened to a recorded event.
    public enum RecordOutcome: Sendable, Hashable {
        /// Stored now, pending.
        case recorded
        /// The id was known; nothing stored. Carries the stored event's status.
        case duplicate(RegistrationEvent.Status)
    }

    let client: PostgresClient
    let logger: Logger

    /// A repository over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Column list of the row decoder (a constant, never input).
    static let columns = """
        id, process_id, type, candidacy_id, body::text, source, signature, signed_at, received_at, status, status_reason, applied_at
        """

    /// Records `event` in its own transaction (see `record(_:on:)`).
    public func record(_ event: RegistrationEvent) async throws -> RecordOutcome {
        try await client.withConnection { connection in try await record(event, on: connection) }
    }

    /// Records `event` on the caller's connection, typically with the job that ingests it.
    /// A known id is not stored again.
    public func record(_ event: RegistrationEvent, on connection: PostgresConnection) async throws -> RecordOutcome {
        // ON CONFLICT DO NOTHING waits for a concurrent, uncommitted twin, then skips it.
        let rows = try await connection.query(
            """
            INSERT INTO registration_events (id, process_id, type, candidacy_id, body, source, signature, signed_at, received_at)
            VALUES (\(event.id), \(event.processID), \(event.kind.rawValue), \(event.candidacyID), \(event.body)::jsonb,
                    \(event.source.rawValue), \(event.signature), \(event.signedAt), \(event.receivedAt))
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return .recorded }
        guard let stored = try await self.event(id: event.id, on: connection) else {
            throw StorageError(.notFound, "El evento \(event.id) no se pudo registrar.")
        }
        return .duplicate(stored.status)
    }

    /// The event with this id, or nil.
    public func event(id: String) async throws -> RegistrationEvent? {
        try await client.withConnection { connection in try await event(id: id, on: connection) }
    }

    func event(id: String, on connection: PostgresConnection) async throws -> RegistrationEvent? {
        try await list("SELECT \(unescaped: Self.columns) FROM registration_events WHERE id = \(id)", on: connection).first
    }

    /// Held events of `candidacyID`, oldest first (to apply once its approval arrives).
    public func heldEvents(candidacyID: String) async throws -> [RegistrationEvent] {
        try await client.withConnection { connection in
            try await list(
                """
                SELECT \(unescaped: Self.columns) FROM registration_events
                 WHERE candidacy_id = \(candidacyID) AND status = 'held' ORDER BY received_at, id
                """, on: connection)
        }
    }

    /// Serializes, until the end of the caller's transaction, every registration change of
    /// `candidacyID` (its creation, withdrawal, or an event held for it): an event found
    /// unappliable and held can't miss the creation that would release it, because both take
    /// this lock before they look.
    public func lockCandidacy(_ candidacyID: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended('registration:' || \(candidacyID), 0))", logger: logger)
    }

    /// The held events that `candidacyID`'s appearance may let apply: those of the candidacy
    /// itself (a cancellation that came first) and the substitutions that replace it (stored
    /// under the substitute's id), oldest first. Read on the caller's connection.
    public func releasableEvents(for candidacyID: String, on connection: PostgresConnection) async throws -> [String] {
        var ids: [String] = []
        for try await id in try await connection.query(
            """
            SELECT id FROM registration_events
             WHERE status = 'held'
               AND (candidacy_id = \(candidacyID)
                    OR (type = 'substitution' AND body ->> 'replaces_candidacy_id' = \(candidacyID)))
             ORDER BY received_at, id
            """, logger: logger
        ).decode(String.self) { ids.append(id) }
        return ids
    }

    /// Pending events, oldest first, at most `limit`.
    public func pendingEvents(limit: Int = 100) async throws -> [RegistrationEvent] {
        try await client.withConnection { connection in
            try await list(
                """
                SELECT \(unescaped: Self.columns) FROM registration_events WHERE status = 'pending' ORDER BY received_at, id LIMIT \(limit)
                """, on: connection)
        }
    }

    /// Marks event `id` applied (from pending or held).
    public func markApplied(_ id: String, at date: Date = Date(), on connection: PostgresConnection) async throws {
        try await settle(id, to: .applied, reason: nil, at: date, on: connection)
    }

    /// Holds event `id` with a Spanish `reason` (from pending; a held event released too
    /// early stays held with the new reason).
    public func hold(_ id: String, reason: String, on connection: PostgresConnection) async throws {
        try await settle(id, to: .held, reason: reason, at: nil, on: connection)
    }

    /// Rejects event `id` with a Spanish `reason` (from pending or held).
    public func reject(_ id: String, reason: String, on connection: PostgresConnection) async throws {
        try await settle(id, to: .rejected, reason: reason, at: nil, on: connection)
    }

    /// Convenience: `markApplied`, `hold` or `reject` in their own transaction.
    public func settle(_ id: String, to status: RegistrationEvent.Status, reason: String? = nil, at date: Date = Date()) async throws {
        try await client.withConnection { connection in
            try await settle(id, to: status, reason: reason, at: status == .applied ? date : nil, on: connection)
        }
    }

    private func settle(
        _ id: String, to status: RegistrationEvent.Status, reason: String?, at date: Date?,
        on connection: PostgresConnection
    ) async throws {
        let from: [String] = ["pending", "held"]
        let rows = try await connection.query(
            """
            UPDATE registration_events SET status = \(status.rawValue), status_reason = \(reason), applied_at = \(date)
             WHERE id = \(id) AND status = ANY(\(from)::text[]) RETURNING 1
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return }
        throw StorageError(.conflict, "El evento \(id) no existe o ya fue procesado.")
    }

    func list(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [RegistrationEvent] {
        var result: [RegistrationEvent] = []
        for try await row in try await connection.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            guard let kind = RegistrationEvent.Kind(rawValue: try r["type"].decode(String.self)),
                let source = RegistrationEvent.Source(rawValue: try r["source"].decode(String.self)),
                let status = RegistrationEvent.Status(rawValue: try r["status"].decode(String.self))
            else {
                throw StorageError(.invalidStoredData, "Evento de registro con valores desconocidos.")
            }
            var event = RegistrationEvent(
                id: try r["id"].decode(String.self), processID: try r["process_id"].decode(String.self), kind: kind,
                candidacyID: try r["candidacy_id"].decode(String.self), body: try r["body"].decode(String.self), source: source,
                signature: try r["signature"].decode(String?.self), signedAt: try r["signed_at"].decode(Date?.self),
                receivedAt: try r["received_at"].decode(Date.self))
            event.status = status
            event.statusReason = try r["status_reason"].decode(String?.self)
            event.appliedAt = try r["applied_at"].decode(Date?.self)
            result.append(event)
        }
        return result
    }
}
