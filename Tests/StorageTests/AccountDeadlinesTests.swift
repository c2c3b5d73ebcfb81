import ConocelesCore
import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

@Suite("AccountDeadlines")
struct AccountDeadlinesTests {
    /// Approval on 2024-03-05 at 23:30 in Mexico City (05:30Z on the 6th): with 3 natural days
    /// the deadline is 2024-03-09 00:00 local (06:00Z), whatever the UTC date of approval.
    @Test func lateMeansPastTheEndOfTheThirdNaturalDayInTheProcessZone() async throws {
        try await TestDatabase.with { db async throws in
            let ids = ["ON-TIME", "SENT-LATE", "UNSENT-LATE", "UNSENT-RECENT"]
            try await StorageFactories.seed(db, ids.map { StorageFactories.candidacy($0) })
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            for id in ids {
                _ = try await accounts.create(
                    .candidate(
                        username: "c-\(id.lowercased())", email: "\(id.lowercased())@example.mx", displayName: id,
                        processID: StorageFactories.processID, candidacyID: id),
                    activationTTL: .seconds(3_600), by: .system("test"))
            }
            try await db.client.query(
                """
                UPDATE candidacies SET created_at = CASE id
                    WHEN 'UNSENT-RECENT' THEN '2024-03-08T12:00:00Z'::timestamptz ELSE '2024-03-06T05:30:00Z'::timestamptz END
                """)
            try await db.client.query(
                """
                UPDATE accounts SET credentials_sent_at = CASE candidacy_id
                    WHEN 'ON-TIME' THEN '2024-03-09T05:59:00Z'::timestamptz
                    WHEN 'SENT-LATE' THEN '2024-03-09T06:01:00Z'::timestamptz END
                """)
            let now = ISO8601DateFormatter().date(from: "2024-03-10T12:00:00Z")!
            let late = try await AccountDeadlines(client: db.client, logger: TestDatabase.logger)
                .late(processID: StorageFactories.processID, timeZone: "America/Mexico_City", days: 3, now: now)
            #expect(late.map(\.candidacyID).sorted() == ["SENT-LATE", "UNSENT-LATE"])
            #expect(late.first?.deadline == ISO8601DateFormatter().date(from: "2024-03-09T06:00:00Z"))
            #expect(late.first { $0.candidacyID == "UNSENT-LATE" }?.sentAt == nil)
        }
    }
}
