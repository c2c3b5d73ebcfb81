import Foundation
import PostgresNIO

extension AccountRepository {
    /// The account an activation link opens, if the link is still valid (unused, unexpired,
    /// account not disabled). Looked up by the token's hash: the token itself is never stored.
    public func pendingActivation(token: ActivationToken, at now: Date = Date()) async throws -> Account? {
        try await first(
            """
            SELECT \(unescaped: Self.columns) FROM accounts
             WHERE activation_token_hash = \(token.hash) AND activation_expires_at > \(now) AND disabled_at IS NULL
            """)
    }
}
