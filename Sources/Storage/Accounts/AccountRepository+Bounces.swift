import Foundation
import PostgresNIO

extension AccountRepository {
    /// The accounts whose address is `email` (compared without case), for a bounce that names
    /// only the address.
    public func accountIDs(email: String) async throws -> [UUID] {
        var ids: [UUID] = []
        for try await id in try await client.query(
            "SELECT id FROM accounts WHERE lower(email) = lower(\(email)) ORDER BY id", logger: logger
        ).decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// The reply recorded against `accountID` when a message to it was refused or bounced (nil when none).
    public func mailFailure(accountID: UUID) async throws -> (at: Date, reply: String)? {
        for try await (at, reply) in try await client.query(
            "SELECT mail_failed_at, mail_failure FROM accounts WHERE id = \(accountID)", logger: logger
        ).decode((Date?, String?).self) {
            if let at, let reply { return (at, reply) }
        }
        return nil
    }
}

extension AccountRepository {
    /// Staff correct the address of `accountID` (of `processID`, not disabled) after its mail
    /// failed: the new address replaces the old one, the failure is cleared, and the audit log
    /// records who did it with the previous address and the failure it answered. Returns the
    /// previous address.
    /// - Throws: `StorageError.notFound` for an unknown or disabled account.
    @discardableResult
    public func correctEmail(
        accountID: UUID, processID: String, to email: String, by actor: AuditActor,
        at now: Date = Date()
    ) async throws -> String {
        try await client.transaction(logger: logger) { connection in
            var previous: (String, String?)?
            for try await row in try await connection.query(
                """
                SELECT email, mail_failure FROM accounts
                 WHERE id = \(accountID) AND process_id IS NOT DISTINCT FROM \(processID) AND disabled_at IS NULL FOR UPDATE
                """, logger: logger
            ).decode((String, String?).self) { previous = row }
            guard let (old, failure) = previous else { throw StorageError(.notFound, "La cuenta no existe o está deshabilitada.") }
            try await connection.query(
                """
                UPDATE accounts SET email = \(email), mail_failed_at = NULL, mail_failure = NULL, updated_at = \(now)
                 WHERE id = \(accountID)
                """, logger: logger)
            var changes = ["correo_anterior": old, "correo_nuevo": email]
            if let failure { changes["falla"] = String(failure.prefix(200)) }
            try await audit.append(
                AuditEntry(
                    actor: actor, action: "account.email_corrected", subjectType: "account",
                    subjectID: accountID.uuidString, changes: changes, occurredAt: now), on: connection)
            return old
        }
    }
}
