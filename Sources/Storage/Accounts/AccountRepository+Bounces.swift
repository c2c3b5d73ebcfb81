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
