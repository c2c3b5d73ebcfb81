import Foundation
import Logging
import PostgresNIO

/// The secret of a session cookie or a password-reset link: the same shape as an activation
/// token (32 random bytes, URL-safe base64), stored only as its SHA-256.
public typealias SecretToken = ActivationToken

/// Web sessions in PostgreSQL, so every server process shares them. A session expires after
/// `idleTimeout` without use and, whatever the use, at `maximumLifetime` after sign-in.
public struct SessionRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Idle expiry (configuration `security.session_ttl_minutes`).
    public let idleTimeout: Duration
    /// Absolute expiry after sign-in; 12 hours by default.
    public let maximumLifetime: Duration

    /// Sessions over `client` with the given expiries.
    public init(client: PostgresClient, logger: Logger, idleTimeout: Duration, maximumLifetime: Duration = .seconds(12 * 3_600)) {
        self.client = client
        self.logger = logger
        self.idleTimeout = idleTimeout
        self.maximumLifetime = maximumLifetime
    }

    /// Starts a session for `accountID` and returns the token for its cookie.
    public func create(accountID: UUID, at now: Date = Date()) async throws -> SecretToken {
        let token = SecretToken.generate()
        let expires = now.addingTimeInterval(Self.seconds(idleTimeout))
        let ends = now.addingTimeInterval(Self.seconds(maximumLifetime))
        try await client.query(
            """
            INSERT INTO web_sessions (token_hash, account_id, created_at, last_seen_at, expires_at, ends_at)
            VALUES (\(token.hash), \(accountID), \(now), \(now), \(min(expires, ends)), \(ends))
            """, logger: logger)
        return token
    }

    /// The usable account of a live session, or nil (unknown, expired, account disabled).
    /// Pushes the idle expiry forward; to spare a write per request, only when the last
    /// push is over a minute old.
    public func resolve(_ token: SecretToken, at now: Date = Date()) async throws -> Account? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: AccountRepository.prefixedColumns("a")), s.last_seen_at
              FROM web_sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash = \(token.hash) AND s.expires_at > \(now) AND s.ends_at > \(now)
               AND a.activated_at IS NOT NULL AND a.disabled_at IS NULL
            """, logger: logger)
        var found: (Account, Date)?
        for try await row in rows {
            found = (try AccountRepository.decode(row), try row.makeRandomAccess()["last_seen_at"].decode(Date.self))
        }
        guard let (account, lastSeen) = found else { return nil }
        if now.timeIntervalSince(lastSeen) > 60 {
            let expires = now.addingTimeInterval(Self.seconds(idleTimeout))
            try await client.query(
                """
                UPDATE web_sessions SET last_seen_at = \(now), expires_at = least(\(expires), ends_at)
                 WHERE token_hash = \(token.hash)
                """, logger: logger)
        }
        return account
    }

    /// Pushes the idle expiry of a live session to `idleTimeout` from `now` (never past its
    /// absolute end): the "Seguir conectado" button of a page open for long. Returns the new
    /// idle expiry, or nil when the session is no longer live.
    public func extend(_ token: SecretToken, at now: Date = Date()) async throws -> Date? {
        let expires = now.addingTimeInterval(Self.seconds(idleTimeout))
        let rows = try await client.query(
            """
            UPDATE web_sessions SET last_seen_at = \(now), expires_at = least(\(expires), ends_at)
             WHERE token_hash = \(token.hash) AND expires_at > \(now) AND ends_at > \(now)
            RETURNING expires_at
            """, logger: logger)
        for try await value in rows.decode(Date.self) { return value }
        return nil
    }

    /// Ends the session of `token` (sign-out).
    public func revoke(_ token: SecretToken) async throws {
        try await client.query("DELETE FROM web_sessions WHERE token_hash = \(token.hash)", logger: logger)
    }

    /// Ends every session of `accountID` (password changed, account disabled).
    public func revokeAll(accountID: UUID) async throws {
        try await client.query("DELETE FROM web_sessions WHERE account_id = \(accountID)", logger: logger)
    }

    /// Deletes expired sessions; returns how many.
    public func purgeExpired(at now: Date = Date()) async throws -> Int {
        let rows = try await client.query("DELETE FROM web_sessions WHERE expires_at <= \(now) OR ends_at <= \(now) RETURNING 1", logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    static func seconds(_ duration: Duration) -> TimeInterval { Double(duration.components.seconds) }
}
