import Foundation
import PostgresNIO

extension RegistrationEventRepository {
    /// The rejected events of `processID`, newest first (at most `limit`), for staff to see
    /// why and correct them with the registration system (`conoceles import rejected`).
    public func rejected(processID: String, limit: Int = 500) async throws -> [RegistrationEvent] {
        try await client.withConnection { connection in
            try await list(
                """
                SELECT \(unescaped: Self.columns) FROM registration_events
                 WHERE process_id = \(processID) AND status = 'rejected'
                 ORDER BY received_at DESC, id LIMIT \(limit)
                """, on: connection)
        }
    }
}
