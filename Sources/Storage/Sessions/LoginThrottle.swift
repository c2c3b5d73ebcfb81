import Foundation
import Logging
import PostgresNIO

/// Limits sign-in attempts: after `maximumFailuresPerAccount` failures for one username, or
/// `maximumFailuresPerAddress` from one client address, within `window`, further attempts are
/// refused until the oldest failure leaves the window. Every attempt is recorded.
public struct LoginThrottle: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Failures allowed per username in the window; 5 by default.
    public let maximumFailuresPerAccount: Int
    /// Failures allowed per client address in the window; 20 by default (offices share an address).
    public let maximumFailuresPerAddress: Int
    /// The window; 15 minutes by default.
    public let window: Duration

    /// A throttle with the given limits.
    public init(client: PostgresClient, logger: Logger, maximumFailuresPerAccount: Int = 5, maximumFailuresPerAddress: Int = 20,
                window: Duration = .seconds(15 * 60)) {
        self.client = client
        self.logger = logger
        self.maximumFailuresPerAccount = maximumFailuresPerAccount
        self.maximumFailuresPerAddress = maximumFailuresPerAddress
        self.window = window
    }

    /// Whether an attempt for `username` from `address` may be checked now.
    public func allows(username: String, address: String, at now: Date = Date()) async throws -> Bool {
        let since = now.addingTimeInterval(-Double(window.components.seconds))
        let rows = try await client.query("""
            SELECT (SELECT count(*) FROM login_attempts WHERE NOT succeeded AND username = \(username.lowercased()) AND attempted_at > \(since)),
                   (SELECT count(*) FROM login_attempts WHERE NOT succeeded AND client_address = \(address) AND attempted_at > \(since))
            """, logger: logger)
        for try await (byAccount, byAddress) in rows.decode((Int, Int).self) {
            return byAccount < maximumFailuresPerAccount && byAddress < maximumFailuresPerAddress
        }
        return true
    }

    /// Records an attempt and its outcome.
    public func record(username: String, address: String, succeeded: Bool, at now: Date = Date()) async throws {
        try await client.query("""
            INSERT INTO login_attempts (username, client_address, succeeded, attempted_at)
            VALUES (\(String(username.lowercased().prefix(64))), \(address), \(succeeded), \(now))
            """, logger: logger)
    }

    /// Deletes attempts older than `age`; returns how many.
    public func purge(olderThan age: Duration, at now: Date = Date()) async throws -> Int {
        let before = now.addingTimeInterval(-Double(age.components.seconds))
        let rows = try await client.query("DELETE FROM login_attempts WHERE attempted_at < \(before) RETURNING 1", logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
