import ConocelesCore
import Foundation
import PostgresNIO

extension ProfileWorkflowRepository {
    /// The modification requests of `candidacyID`, oldest first.
    public func modificationRequests(for candidacyID: String) async throws -> [ModificationRequest] {
        var result: [ModificationRequest] = []
        let rows = try await client.query(
            """
            SELECT id, reason, requested_by, requested_at, status, decided_by, decided_at, observations, applied_at
              FROM modification_requests WHERE candidacy_id = \(candidacyID) ORDER BY id
            """, logger: logger)
        for try await (id, reason, by, at, status, decidedBy, decidedAt, observations, appliedAt) in rows.decode(
            (Int64, String?, String, Date, String, String?, Date?, String?, Date?).self)
        {
            guard let status = ModificationRequest.Status(rawValue: status) else {
                throw StorageError(.invalidStoredData, "Estado de solicitud «\(status)» desconocido.")
            }
            result.append(
                ModificationRequest(
                    id: id, candidacyID: candidacyID, reason: reason, requestedBy: by, requestedAt: at, status: status,
                    decidedBy: decidedBy, decidedAt: decidedAt, observations: observations, appliedAt: appliedAt))
        }
        return result
    }

    /// What a transition implies beyond the state: the modification request's life, and at
    /// each publication the public copy of the curricular questionnaire and the revision of
    /// the identity answers that may be public (with consent).
    func applyConsequences(
        of transition: ProfileTransition, to candidacyID: String, reason: String?,
        on connection: PostgresConnection
    ) async throws {
        let by = transition.actor.id, at = transition.at
        switch transition.action {
        case .requestModification:
            try await connection.query(
                """
                INSERT INTO modification_requests (candidacy_id, reason, requested_by, requested_at)
                VALUES (\(candidacyID), \(reason?.trimmedOfWhiteSpace), \(by), \(at))
                """, logger: logger)
        case .approveModification, .rejectModification:
            let status: ModificationRequest.Status = transition.action == .approveModification ? .approved : .rejected
            try await connection.query(
                """
                UPDATE modification_requests SET status = \(status.rawValue), decided_by = \(by), decided_at = \(at),
                                                 observations = \(transition.observations)
                 WHERE candidacy_id = \(candidacyID) AND status = 'pending'
                """, logger: logger)
        case .publish, .republish:
            try await connection.query(
                """
                UPDATE curricular_questionnaires SET published_answers = answers, published_at = \(at)
                 WHERE candidacy_id = \(candidacyID)
                """, logger: logger)
            try await connection.query(
                """
                UPDATE identity_questionnaires SET published_revision = revision
                 WHERE candidacy_id = \(candidacyID) AND blocked_at IS NULL
                """, logger: logger)
            if transition.action == .republish {
                try await connection.query(
                    """
                    UPDATE modification_requests SET status = 'applied', applied_at = \(at)
                     WHERE candidacy_id = \(candidacyID) AND status = 'approved'
                    """, logger: logger)
            }
        default:
            break
        }
    }
}
