import Foundation
import PostgresNIO

extension RegistrationEventRepository {
    /// Whether the stored event with this id has the same JSON body (compared as `jsonb`,
    /// so key order and white space don't matter). Nil when the id is unknown. An event whose
    /// body was purged (`SensitiveDataPurge`) is compared by the hash of its normalised body.
    public func hasSameBody(id: String, body: String) async throws -> Bool? {
        let rows = try await client.query(
            """
            SELECT CASE WHEN body_purged_at IS NULL THEN body = \(body)::jsonb
                        ELSE body_sha256 = encode(sha256(convert_to(\(body)::jsonb::text, 'UTF8')), 'hex') END
              FROM registration_events WHERE id = \(id)
            """, logger: logger)
        for try await same in rows.decode(Bool.self) { return same }
        return nil
    }
}

extension RegistrationEventRepository {
    /// The most recent applied approval, update or substitution that carried this candidacy.
    public func latestApplied(candidacyID: String) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT id FROM registration_events
             WHERE candidacy_id = \(candidacyID) AND status = 'applied' AND type IN ('approval', 'update', 'substitution')
             ORDER BY received_at DESC LIMIT 1
            """, logger: logger)
        for try await id in rows.decode(String.self) { return id }
        return nil
    }
}
