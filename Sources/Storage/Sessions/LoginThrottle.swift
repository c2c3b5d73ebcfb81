import Foundation
import Logging
import PostgresNIO

/// Limits sign-in attempts per username and per client address with a progressive delay
/// (table `sign_in_throttles`), so that guessing is slow but nobody can lock another person
/// out for long:
///
/// - **Per username** (known or not: the answer must not tell): every attempt is counted
///   *before* its password is checked, in one `INSERT … ON CONFLICT DO UPDATE … WHERE …
///   RETURNING` that only counts it when it may run. Concurrent attempts queue on the row, so
///   however many arrive at once, at most `account.freeFailures` of them reach bcrypt before
///   the first delay. After the free failures, each further attempt must wait `firstDelay`,
///   doubling with every failure up to `maximumDelay`; an attempt inside the wait is refused
///   without a password check and without being counted. A success clears the counter (so
///   does a password reset); a counter untouched for `forgetAfter` starts again.
/// - **Per client address** (the proxy-resolved address of `WebRequestContext`): failures,
///   counted after the check, with the same shape and looser numbers (offices share an
///   address). Successes never count, so 200 people signing in at once from one office are
///   never refused.
///
/// `login_attempts` keeps the history of checked attempts (for investigations), purged by
/// `sessions.purge`.
public struct LoginThrottle: Sendable {
    /// The shape of one limit.
    public struct Policy: Sendable, Equatable {
        /// Failures allowed before the first delay.
        public var freeFailures: Int
        /// The wait after the free failures; doubles with each further failure.
        public var firstDelay: Duration
        /// The longest wait.
        public var maximumDelay: Duration
        /// A counter without attempts for this long starts again (at least `maximumDelay`).
        public var forgetAfter: Duration

        /// A policy; `forgetAfter` is raised to `maximumDelay` when shorter.
        public init(freeFailures: Int, firstDelay: Duration, maximumDelay: Duration, forgetAfter: Duration) {
            self.freeFailures = max(1, freeFailures)
            self.firstDelay = firstDelay
            self.maximumDelay = max(firstDelay, maximumDelay)
            self.forgetAfter = max(forgetAfter, self.maximumDelay)
        }

        /// Per username: 5 free failures, then 30 s, 1 min, 2 min, … up to 15 min; forgotten
        /// after a day without attempts.
        public static let account = Policy(
            freeFailures: 5, firstDelay: .seconds(30), maximumDelay: .seconds(15 * 60),
            forgetAfter: .seconds(24 * 3_600))
        /// Per client address: 20 free failures, then the same delays; forgotten after an
        /// hour without failures.
        public static let address = Policy(
            freeFailures: 20, firstDelay: .seconds(30), maximumDelay: .seconds(15 * 60),
            forgetAfter: .seconds(3_600))

        /// The wait after `failures` failures (zero while they are free).
        public func delay(afterFailures failures: Int) -> Duration {
            guard failures >= freeFailures else { return .zero }
            let doublings = min(failures - freeFailures, 30)
            return min(firstDelay * (1 << doublings), maximumDelay)
        }
    }

    /// Whether an attempt may check its password now.
    public enum Decision: Sendable, Equatable {
        /// Counted; check the password, then report the outcome.
        case allowed
        /// Refused without a check; the earliest moment another attempt may run.
        case refused(retryAt: Date)
    }

    let client: PostgresClient
    let logger: Logger
    /// The per-username limit (`Policy.account` by default).
    public let account: Policy
    /// The per-address limit (`Policy.address` by default).
    public let address: Policy

    /// A throttle with the given limits.
    public init(client: PostgresClient, logger: Logger, account: Policy = .account, address: Policy = .address) {
        self.client = client
        self.logger = logger
        self.account = account
        self.address = address
    }

    /// Decides whether an attempt for `username` from `clientAddress` may check its password
    /// and, when it may, counts it against the username before the check.
    public func begin(username: String, address clientAddress: String, at now: Date = Date()) async throws -> Decision {
        // The address: a read (its failures are counted after each check).
        let addressRows = try await client.query(
            """
            SELECT failures, last_attempt_at FROM sign_in_throttles WHERE scope = 'address' AND key = \(clientAddress)
            """, logger: logger)
        for try await (failures, last) in addressRows.decode((Int, Date).self) {
            if let retryAt = Self.retryAt(failures: failures, last: last, policy: address, now: now) {
                return .refused(retryAt: retryAt)
            }
        }
        // The username: counted now, only when its wait is over. ON CONFLICT DO UPDATE locks
        // the row and evaluates the WHERE on its latest version, so concurrent attempts
        // count one after the other and none passes a wait another one just started.
        let key = Self.key(username)
        let policy = account
        let forgetBefore = now - policy.forgetAfter
        var counted = false
        for try await _ in try await client.query(
            """
            INSERT INTO sign_in_throttles AS t (scope, key, failures, last_attempt_at)
            VALUES ('account', \(key), 1, \(now))
            ON CONFLICT (scope, key) DO UPDATE
               SET failures = CASE WHEN t.last_attempt_at <= \(forgetBefore) THEN 1 ELSE t.failures + 1 END,
                   last_attempt_at = EXCLUDED.last_attempt_at
             WHERE t.failures < \(policy.freeFailures)
                OR t.last_attempt_at <= \(now) - make_interval(secs => least(
                       \(policy.firstDelay.seconds) * power(2, least(t.failures - \(policy.freeFailures), 30)), \(policy.maximumDelay.seconds)))
            RETURNING failures
            """, logger: logger
        ).decode(Int.self) { counted = true }
        if counted { return .allowed }
        let rows = try await client.query(
            """
            SELECT failures, last_attempt_at FROM sign_in_throttles WHERE scope = 'account' AND key = \(key)
            """, logger: logger)
        for try await (failures, last) in rows.decode((Int, Date).self) {
            return .refused(retryAt: Self.retryAt(failures: failures, last: last, policy: policy, now: now) ?? now)
        }
        return .refused(retryAt: now)
    }

    /// Reports the outcome of an attempt `begin` allowed: a success clears the username's
    /// counter, a failure counts against the address (the username's was counted before).
    /// Both are written to the history.
    public func finish(username: String, address clientAddress: String, succeeded: Bool, at now: Date = Date()) async throws {
        let key = Self.key(username)
        if succeeded {
            try await client.query(
                """
                WITH cleared AS (DELETE FROM sign_in_throttles WHERE scope = 'account' AND key = \(key))
                INSERT INTO login_attempts (username, client_address, succeeded, attempted_at)
                VALUES (\(key), \(clientAddress), true, \(now))
                """, logger: logger)
            return
        }
        let forgetBefore = now - address.forgetAfter
        try await client.query(
            """
            WITH counted AS (
                INSERT INTO sign_in_throttles AS t (scope, key, failures, last_attempt_at)
                VALUES ('address', \(clientAddress), 1, \(now))
                ON CONFLICT (scope, key) DO UPDATE
                   SET failures = CASE WHEN t.last_attempt_at <= \(forgetBefore) THEN 1 ELSE t.failures + 1 END,
                       last_attempt_at = greatest(t.last_attempt_at, EXCLUDED.last_attempt_at)
            )
            INSERT INTO login_attempts (username, client_address, succeeded, attempted_at)
            VALUES (\(key), \(clientAddress), false, \(now))
            """, logger: logger)
    }

    /// Clears the counter of `username` (its password was just reset by e-mail).
    public func clear(username: String) async throws {
        try await client.query("DELETE FROM sign_in_throttles WHERE scope = 'account' AND key = \(Self.key(username))", logger: logger)
    }

    /// Deletes history rows older than `age` and counters nothing will read again (untouched
    /// for longer than their `forgetAfter`); returns how many history rows went.
    public func purge(olderThan age: Duration, at now: Date = Date()) async throws -> Int {
        let before = now - age
        try await client.query(
            """
            DELETE FROM sign_in_throttles
             WHERE (scope = 'account' AND last_attempt_at <= \(now - account.forgetAfter))
                OR (scope = 'address' AND last_attempt_at <= \(now - address.forgetAfter))
            """, logger: logger)
        let rows = try await client.query("DELETE FROM login_attempts WHERE attempted_at < \(before) RETURNING 1", logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// The username as counted: lower case, at most 64 characters (the form's limit).
    static func key(_ username: String) -> String {
        String(username.lowercased().prefix(64))
    }

    /// When the next attempt may run after `failures` failures, the last at `last`; nil when
    /// it may run at `now` (free failures left, the wait over, or the counter forgotten).
    static func retryAt(failures: Int, last: Date, policy: Policy, now: Date) -> Date? {
        guard last > now - policy.forgetAfter else { return nil }
        let retry = last + policy.delay(afterFailures: failures)
        return retry > now ? retry : nil
    }
}

private extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

private extension Date {
    static func - (date: Date, duration: Duration) -> Date { date.addingTimeInterval(-duration.seconds) }
    static func + (date: Date, duration: Duration) -> Date { date.addingTimeInterval(duration.seconds) }
}
