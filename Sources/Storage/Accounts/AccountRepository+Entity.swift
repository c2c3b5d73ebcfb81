import ConocelesCore
import Foundation
import PostgresNIO

extension AccountRepository {
    /// The live generic account of a party, coalition or independent candidacy, if any.
    public func representativeAccount(processID: String, entity: PostulatingEntity) async throws -> Account? {
        try await first("""
            SELECT \(unescaped: Self.columns) FROM accounts
             WHERE role = 'representacion' AND disabled_at IS NULL AND process_id = \(processID)
               AND entity_kind = \(entity.kind.rawValue) AND entity_code = \(entity.code)
            """)
    }
}

extension AccountRepository {
    /// Runs `body` while holding a lock private to this account's credentials e-mail, so two
    /// jobs that would mail the same account (e.g. a party's generic account, reached from
    /// several candidacies at once) take turns; `body` re-reads the account and sends only
    /// if it was not sent yet. The lock is a session advisory lock on a pooled connection,
    /// released even when `body` throws.
    public func withCredentialsLock<T: Sendable>(accountID: UUID, _ body: @Sendable () async throws -> T) async throws -> T {
        let key = "credentials:\(accountID.uuidString)"
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(hashtextextended(\(key), 0))", logger: logger)
            do {
                let result = try await body()
                try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
                throw error
            }
        }
    }
}

extension AccountRepository {
    /// Marks the credentials as not sent, so that `mail.credentials` sends a new link (re-send).
    public func clearCredentialsSent(accountID: UUID, by actor: AuditActor, at now: Date = Date()) async throws {
        try await update(accountID, action: "account.credentials_resend", by: actor, at: now, """
            UPDATE accounts SET credentials_sent_at = NULL, updated_at = \(now) WHERE id = \(accountID) RETURNING id
            """)
    }
}
