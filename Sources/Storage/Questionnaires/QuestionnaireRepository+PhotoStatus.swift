import Foundation
import PostgresNIO

extension QuestionnaireRepository {
    /// The status of the latest photo of `candidacyID` that was not replaced, or nil when it
    /// has none: the current one (received or accepted) or the last one refused.
    public func photoStatus(for candidacyID: String) async throws -> PhotoStatusSummary? {
        let rows = try await client.query(
            """
            SELECT status, rejection_reason, uploaded_at FROM photos
             WHERE candidacy_id = \(candidacyID) AND status <> 'replaced'
             ORDER BY uploaded_at DESC, id LIMIT 1
            """, logger: logger)
        for try await (status, reason, at) in rows.decode((String, String?, Date).self) {
            return PhotoStatusSummary(status: status, rejectionReason: reason, uploadedAt: at)
        }
        return nil
    }
}
