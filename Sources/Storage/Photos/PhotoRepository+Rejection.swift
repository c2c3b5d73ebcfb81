import Foundation
import PostgresNIO

extension PhotoRepository {
    /// The Spanish reason of the candidacy's most recent upload when that upload was rejected
    /// (so the page can say why the photo it just sent was refused), or nil.
    public func latestRejectionReason(candidacyID: String) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT status, rejection_reason FROM photos WHERE candidacy_id = \(candidacyID)
             ORDER BY uploaded_at DESC, id DESC LIMIT 1
            """, logger: logger)
        for try await (status, reason) in rows.decode((String, String?).self) { return status == "rejected" ? reason : nil }
        return nil
    }
}
