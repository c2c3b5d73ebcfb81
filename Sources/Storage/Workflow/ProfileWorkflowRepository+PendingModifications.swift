import ConocelesCore
import Foundation
import PostgresNIO

extension ProfileWorkflowRepository {
    /// The pending modification requests of `processID`'s active candidacies, oldest first.
    public func pendingModifications(processID: String, limit: Int = 500) async throws -> [PendingModification] {
        // requested_by holds the account id as text, in either case (or a job kind): the
        // join is on lowercase text.
        let rows = try await client.query(
            """
            WITH c AS (SELECT \(unescaped: CandidacyRepository.columns) FROM candidacies
                        WHERE process_id = \(processID) AND status = 'aprobada')
            SELECT c.*, m.id AS request_id, m.reason, m.requested_by, m.requested_at, a.display_name AS requester_name
              FROM modification_requests m
              JOIN c ON c.id = m.candidacy_id
              LEFT JOIN accounts a ON a.id::text = lower(m.requested_by)
             WHERE m.status = 'pending'
             ORDER BY m.requested_at, m.id
             LIMIT \(limit)
            """, logger: logger)
        var result: [PendingModification] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let candidacy = try CandidacyRepository.decode(row)
            let request = ModificationRequest(
                id: try r["request_id"].decode(Int64.self), candidacyID: candidacy.id, reason: try r["reason"].decode(String?.self),
                requestedBy: try r["requested_by"].decode(String.self), requestedAt: try r["requested_at"].decode(Date.self),
                status: .pending, decidedBy: nil, decidedAt: nil, observations: nil, appliedAt: nil)
            result.append(
                PendingModification(
                    request: request, candidacy: candidacy,
                    requesterName: try r["requester_name"].decode(String?.self)))
        }
        return result
    }

    /// The pending modification request `id`, or nil when there is none pending with it.
    public func pendingModification(id: Int64) async throws -> ModificationRequest? {
        let rows = try await client.query(
            """
            SELECT candidacy_id, reason, requested_by, requested_at FROM modification_requests
             WHERE id = \(id) AND status = 'pending'
            """, logger: logger)
        for try await (candidacyID, reason, by, at) in rows.decode((String, String?, String, Date).self) {
            return ModificationRequest(
                id: id, candidacyID: candidacyID, reason: reason, requestedBy: by, requestedAt: at,
                status: .pending, decidedBy: nil, decidedAt: nil, observations: nil, appliedAt: nil)
        }
        return nil
    }
}
