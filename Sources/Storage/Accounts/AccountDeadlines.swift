import Foundation
import Logging
import PostgresNIO

/// The deadline from a candidacy's approval to its account credentials being sent: the
/// end of the N-th natural day after the approval day, in the process's time zone
/// (3 days by default, `deadlines.accounts_sent_days` of the process file).
public struct AccountDeadlines: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One approved candidacy whose credentials went out late or not yet past the deadline.
    public struct LateCandidacy: Sendable, Equatable {
        public let candidacyID: String
        public let fullName: String
        public let entityCode: String
        public let officeCode: String
        public let approvedAt: Date
        public let deadline: Date
        /// Nil when not sent yet.
        public let sentAt: Date?
    }

    /// Approved candidacies whose credentials were sent after the deadline, or are still
    /// unsent past it, oldest deadline first.
    public func late(processID: String, timeZone: String, days: Int, now: Date = Date(), limit: Int = 10_000) async throws -> [LateCandidacy] {
        // The approval instant is the event's occurred_at when an event registered it,
        // else the row's creation; the deadline is local midnight after approval day + N.
        let rows = try await client.query(
            """
            WITH approved AS (
                SELECT c.id, c.full_name, c.entity_code, c.office_code,
                       coalesce((SELECT min((e.body ->> 'occurred_at')::timestamptz) FROM registration_events e
                                  WHERE e.candidacy_id = c.id AND e.type IN ('approval', 'substitution') AND e.status = 'applied'),
                                c.created_at) AS approved_at,
                       coalesce(a.first_credentials_sent_at, a.credentials_sent_at) AS credentials_sent_at
                  FROM candidacies c LEFT JOIN accounts a ON a.candidacy_id = c.id
                 WHERE c.process_id = \(processID) AND c.status = 'aprobada'
            ), due AS (
                SELECT *, ((date_trunc('day', approved_at AT TIME ZONE \(timeZone)) + make_interval(days => \(days + 1)::int))
                           AT TIME ZONE \(timeZone)) AS deadline
                  FROM approved
            )
            SELECT id, full_name, entity_code, office_code, approved_at, deadline, credentials_sent_at
              FROM due
             WHERE coalesce(credentials_sent_at, \(now)) > deadline
             ORDER BY deadline, id LIMIT \(limit)
            """, logger: logger)
        var result: [LateCandidacy] = []
        for try await (id, name, entity, office, approved, deadline, sent) in rows.decode((String, String, String, String, Date, Date, Date?).self) {
            result.append(
                LateCandidacy(
                    candidacyID: id, fullName: name, entityCode: entity, officeCode: office,
                    approvedAt: approved, deadline: deadline, sentAt: sent))
        }
        return result
    }
}
