import ConocelesCore
import Foundation
import PostgresNIO

extension AccountRepository {
    /// The live generic account of a party, coalition or independent candidacy, if any.
    public func representativeAccount(processID: String, entity: PostulatingEntity) async throws -> Account? {
        try await first(
            """
            SELECT \(unescaped: Self.columns) FROM accounts
             WHERE role = 'representacion' AND disabled_at IS NULL AND process_id = \(processID)
               AND entity_kind = \(entity.kind.rawValue) AND entity_code = \(entity.code)
            """)
    }
}

extension AccountRepository {
    /// Marks the credentials as not sent, so that `mail.credentials` sends a new link (re-send).
    public func clearCredentialsSent(accountID: UUID, by actor: AuditActor, at now: Date = Date()) async throws {
        try await update(
            accountID, action: "account.credentials_resend", by: actor, at: now,
            """
            UPDATE accounts SET credentials_sent_at = NULL, updated_at = \(now), credentials_issue = credentials_issue + 1,
                                credentials_issued_at = NULL, credentials_lease_until = NULL,
                                activation_token_hash = NULL, activation_expires_at = NULL WHERE id = \(accountID) RETURNING id
            """)
    }
}
