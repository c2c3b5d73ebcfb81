import Foundation
import Logging
import PostgresNIO

/// Whether the SMTP server currently refuses every message for a reason of its own or of the
/// configuration (authentication, TLS, relay, connection): recorded by the mail workers, shown
/// to staff as a banner and exported by `/metrics`; cleared by the next message that goes through.
public struct MailServerStatus: Sendable, Equatable {
    /// Since when messages have been failing (nil while mail goes through).
    public var problemSince: Date?
    public var lastProblemAt: Date?
    public var code: String?
    public var detail: String?
    /// Failed sendings since `problemSince`.
    public var problems: Int
    public var lastSuccessAt: Date?

    public var hasProblem: Bool { problemSince != nil }
}

/// Reads and writes ``MailServerStatus``.
public struct MailServerStatusRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records one sending that failed for a server-level reason.
    public func recordProblem(code: String, detail: String, at date: Date = Date()) async throws {
        try await client.query(
            """
            UPDATE mail_server_status
               SET problem_since = coalesce(problem_since, \(date)), last_problem_at = \(date),
                   code = \(code), detail = \(String(detail.prefix(500))), problems = problems + 1
            """, logger: logger)
    }

    /// Records a message the server accepted: clears an open problem (a write only then, or
    /// once a minute to keep `last_success_at` roughly current).
    public func recordSuccess(at date: Date = Date()) async throws {
        try await client.query(
            """
            UPDATE mail_server_status
               SET problem_since = NULL, code = NULL, detail = NULL, problems = 0, last_success_at = \(date)
             WHERE problem_since IS NOT NULL OR last_success_at IS NULL OR last_success_at < \(date) - interval '1 minute'
            """, logger: logger)
    }

    public func current() async throws -> MailServerStatus {
        let rows = try await client.query(
            """
            SELECT problem_since, last_problem_at, code, detail, problems::int, last_success_at FROM mail_server_status
            """, logger: logger)
        for try await (since, last, code, detail, problems, success) in rows.decode((Date?, Date?, String?, String?, Int, Date?).self) {
            return MailServerStatus(
                problemSince: since, lastProblemAt: last, code: code, detail: detail, problems: problems,
                lastSuccessAt: success)
        }
        return MailServerStatus(problems: 0)
    }
}

/// Per-recipient idempotency of multi-recipient messages: each recipient's copy has its own
/// message id, recorded once the SMTP server accepted it.
public struct MailDeliveryLog: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Whether the copy with `messageID` was already accepted by the server.
    public func wasSent(messageID: String) async throws -> Bool {
        for try await _ in try await client.query(
            "SELECT 1 FROM mail_deliveries WHERE message_id = \(messageID)", logger: logger)
        { return true }
        return false
    }

    /// Records that the copy with `messageID` was accepted for `recipient`.
    public func recordSent(messageID: String, recipient: String, at date: Date = Date()) async throws {
        try await client.query(
            """
            INSERT INTO mail_deliveries (message_id, recipient, sent_at) VALUES (\(messageID), \(recipient), \(date))
            ON CONFLICT (message_id) DO NOTHING
            """, logger: logger)
    }

    /// Deletes the records older than `age` (a retry comes within a day or two; the
    /// `sessions.purge` job keeps them 30 days). Returns how many.
    @discardableResult
    public func purge(olderThan age: Duration) async throws -> Int {
        let seconds = Double(age.components.seconds)
        var count = 0
        for try await n in try await client.query(
            """
            WITH gone AS (DELETE FROM mail_deliveries WHERE sent_at < now() - make_interval(secs => \(seconds)) RETURNING 1)
            SELECT count(*)::int FROM gone
            """, logger: logger
        ).decode(Int.self) { count = n }
        return count
    }
}
