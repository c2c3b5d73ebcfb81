import Foundation
import PostgresNIO

/// One staff correction of a rejected registration event.
public struct RegistrationEventCorrection: Sendable, Hashable {
    public let id: Int64
    public let eventID: String
    public let correctedAt: Date
    public let actor: AuditActor
    /// SHA-256 (hex) of the body before the correction (its text as stored).
    public let originalSHA256: String
    public let previousReason: String?
    /// Field → {"from", "to"}, as JSON text: the original values and the corrected ones.
    public let changesJSON: String
}

extension RegistrationEventRepository {
    /// Replaces the body of the rejected event `id` by `correctedBody` and makes it pending
    /// again, on the caller's connection (inside its transaction, which also enqueues the
    /// ingest job); records the correction (author, each field's original and new value, the
    /// previous reason, the original body's hash) and an audit line. `expectedBody` is the body the staff member corrected: when the
    /// event changed meanwhile (another correction) nothing is written.
    /// - Throws: `StorageError.conflict` when the event is not rejected any more or changed.
    public func correctRejected(
        _ id: String, expectedBody: String, correctedBody: String, changes: [String: (from: String, to: String)],
        by actor: AuditActor, at now: Date = Date(), on connection: PostgresConnection
    ) async throws {
        var current: (String, String?)?
        for try await row in try await connection.query(
            """
            SELECT body::text, status_reason FROM registration_events WHERE id = \(id) AND status = 'rejected' FOR UPDATE
            """, logger: logger
        ).decode((String, String?).self) { current = row }
        guard let (body, reason) = current, body == expectedBody else {
            throw StorageError(.conflict, "El evento \(id) ya no está rechazado o cambió mientras lo corregía; vuelva a abrirlo.")
        }
        let changesObject = Dictionary(uniqueKeysWithValues: changes.map { ($0.key, ["from": $0.value.from, "to": $0.value.to]) })
        let changesJSON = String(decoding: try JSONSerialization.data(withJSONObject: changesObject, options: [.sortedKeys]), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO registration_event_corrections
                   (event_id, corrected_at, actor_role, actor_id, original_sha256, previous_reason, changes)
            VALUES (\(id), \(now), \(actor.role), \(actor.id), encode(sha256(convert_to(\(body), 'UTF8')), 'hex'), \(reason),
                    \(changesJSON)::jsonb)
            """, logger: logger)
        try await connection.query(
            """
            UPDATE registration_events SET body = \(correctedBody)::jsonb, status = 'pending', status_reason = NULL WHERE id = \(id)
            """, logger: logger)
        var audited = changes.mapValues { "\($0.from) → \($0.to)" }
        audited["motivo_del_rechazo"] = reason.map { String($0.prefix(300)) }
        try await AuditLog(client: client, logger: logger).append(
            AuditEntry(
                actor: actor, action: "registration_event.corrected", subjectType: "registration_event", subjectID: id,
                changes: audited, occurredAt: now), on: connection)
    }

    /// The corrections of event `id`, oldest first.
    public func corrections(eventID id: String) async throws -> [RegistrationEventCorrection] {
        var result: [RegistrationEventCorrection] = []
        for try await (cid, at, role, actorID, original, reason, changes) in try await client.query(
            """
            SELECT id, corrected_at, actor_role, actor_id, original_sha256, previous_reason, changes::text
              FROM registration_event_corrections WHERE event_id = \(id) ORDER BY id
            """, logger: logger
        ).decode((Int64, Date, String, String, String, String?, String).self) {
            result.append(
                RegistrationEventCorrection(
                    id: cid, eventID: id, correctedAt: at, actor: AuditActor(storedRole: role, id: actorID), originalSHA256: original,
                    previousReason: reason, changesJSON: changes))
        }
        return result
    }
}
