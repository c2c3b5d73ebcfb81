import Foundation
import Logging
import PostgresNIO

/// The append-only audit log. Writes happen on the caller's connection, inside the
/// transaction of the change they describe, so a change and its audit line commit or roll
/// back together. The database refuses UPDATE, DELETE and TRUNCATE (migration 0011).
public struct AuditLog: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// A log over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Appends `entry` on `connection` (typically inside the caller's transaction).
    public func append(_ entry: AuditEntry, on connection: PostgresConnection) async throws {
        try await appendMany([entry], on: connection)
    }

    /// Appends `entries` in one statement (`unnest`), in order.
    public func appendMany(_ entries: [AuditEntry], on connection: PostgresConnection) async throws {
        guard !entries.isEmpty else { return }
        var roles: [String] = [], actors: [String] = [], actions: [String] = [], types: [String] = []
        var subjects: [String] = [], candidacies: [String] = [], changes: [String] = [], times: [Date] = []
        for entry in entries {
            roles.append(entry.actor.role)
            actors.append(entry.actor.id)
            actions.append(entry.action)
            types.append(entry.subjectType)
            subjects.append(entry.subjectID)
            candidacies.append(entry.candidacyID ?? "")
            changes.append(try JSONCoding.encodeString(entry.changes))
            times.append(entry.occurredAt)
        }
        try await connection.query(
            """
            INSERT INTO audit_log (actor_role, actor_id, action, subject_type, subject_id, candidacy_id, changes, occurred_at)
            SELECT role, actor, action, type, subject, nullif(candidacy, ''), changes::jsonb, at
              FROM unnest(\(roles)::text[], \(actors)::text[], \(actions)::text[], \(types)::text[],
                          \(subjects)::text[], \(candidacies)::text[], \(changes)::text[], \(times)::timestamptz[])
                   WITH ORDINALITY AS t(role, actor, action, type, subject, candidacy, changes, at, ord)
             ORDER BY ord
            """, logger: logger)
    }

    /// Appends `entry` in its own transaction (changes that touch no other table).
    public func append(_ entry: AuditEntry) async throws {
        try await client.withConnection { connection in try await append(entry, on: connection) }
    }

    /// The log of candidacy `candidacyID`, oldest first.
    public func records(forCandidacy candidacyID: String) async throws -> [AuditRecord] {
        try await records(
            query: """
                SELECT id, actor_role, actor_id, action, subject_type, subject_id, candidacy_id, changes::text, occurred_at
                  FROM audit_log WHERE candidacy_id = \(candidacyID) ORDER BY id
                """)
    }

    /// The log of one subject (an account, an event), oldest first.
    public func records(subjectType: String, subjectID: String) async throws -> [AuditRecord] {
        try await records(
            query: """
                SELECT id, actor_role, actor_id, action, subject_type, subject_id, candidacy_id, changes::text, occurred_at
                  FROM audit_log WHERE subject_type = \(subjectType) AND subject_id = \(subjectID) ORDER BY id
                """)
    }

    private func records(query: PostgresQuery) async throws -> [AuditRecord] {
        var result: [AuditRecord] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, role, actor, action, type, subject, candidacy, changes, at) in rows.decode(
            (Int64, String, String, String, String, String, String?, String, Date).self)
        {
            let entry = AuditEntry(
                actor: AuditActor(storedRole: role, id: actor), action: action, subjectType: type, subjectID: subject,
                candidacyID: candidacy, changes: try JSONCoding.decode([String: String].self, from: changes), occurredAt: at)
            result.append(AuditRecord(id: id, entry: entry))
        }
        return result
    }
}
