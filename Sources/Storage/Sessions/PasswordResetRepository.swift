import Foundation
import Logging
import PostgresNIO

/// Password reset links: a single-use token (only its hash stored) valid for `lifetime`.
/// Using one sets the new password, forgets every other reset link of the account and ends
/// its sessions, in one transaction, with an audit line.
public struct PasswordResetRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// How long a link works; 1 hour by default.
    public let lifetime: Duration

    /// Reset links over `client`.
    public init(client: PostgresClient, logger: Logger, lifetime: Duration = .seconds(3_600)) {
        self.client = client
        self.logger = logger
        self.lifetime = lifetime
    }

    /// Issues a link for `accountID` and returns its token (to e-mail, never to store).
    public func issue(accountID: UUID, at now: Date = Date()) async throws -> SecretToken {
        let token = SecretToken.generate()
        try await client.query(
            """
            INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
            VALUES (\(token.hash), \(accountID), \(now), \(now.addingTimeInterval(Double(lifetime.components.seconds))))
            """, logger: logger)
        return token
    }

    /// The usable account a live, unused link belongs to, or nil.
    public func account(for token: SecretToken, at now: Date = Date()) async throws -> Account? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: AccountRepository.prefixedColumns("a"))
              FROM password_resets r JOIN accounts a ON a.id = r.account_id
             WHERE r.token_hash = \(token.hash) AND r.used_at IS NULL AND r.expires_at > \(now)
               AND a.activated_at IS NOT NULL AND a.disabled_at IS NULL
            """, logger: logger)
        for try await row in rows { return try AccountRepository.decode(row) }
        return nil
    }

    /// Sets `passwordHash` (bcrypt) through a live link.
    /// - Throws: `StorageError.notFound` when the link is unknown, used or expired.
    public func reset(token: SecretToken, passwordHash: String, at now: Date = Date()) async throws -> Account {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE password_resets SET used_at = \(now)
                 WHERE token_hash = \(token.hash) AND used_at IS NULL AND expires_at > \(now)
                RETURNING account_id
                """, logger: logger)
            var accountID: UUID?
            for try await id in rows.decode(UUID.self) { accountID = id }
            guard let accountID else {
                throw StorageError(.notFound, "El enlace para restablecer la contraseña no es válido o ya venció. Solicite uno nuevo.")
            }
            let updated = try await connection.query(
                """
                UPDATE accounts SET password_hash = \(passwordHash), updated_at = \(now)
                 WHERE id = \(accountID) AND activated_at IS NOT NULL AND disabled_at IS NULL
                RETURNING \(unescaped: AccountRepository.columns)
                """, logger: logger)
            var account: Account?
            for try await row in updated { account = try AccountRepository.decode(row) }
            guard let account else { throw StorageError(.notFound, "La cuenta no existe o está deshabilitada.") }
            try await connection.query("DELETE FROM password_resets WHERE account_id = \(accountID) AND used_at IS NULL", logger: logger)
            try await connection.query("DELETE FROM web_sessions WHERE account_id = \(accountID)", logger: logger)
            try await AuditLog(client: client, logger: logger).append(
                AuditEntry(
                    actor: AuditActor(role: account.role, id: accountID.uuidString),
                    action: "account.password_reset", subjectType: "account", subjectID: accountID.uuidString, occurredAt: now), on: connection)
            return account
        }
    }

    /// Deletes used and expired links; returns how many.
    public func purgeFinished(at now: Date = Date()) async throws -> Int {
        let rows = try await client.query("DELETE FROM password_resets WHERE used_at IS NOT NULL OR expires_at <= \(now) RETURNING 1", logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
