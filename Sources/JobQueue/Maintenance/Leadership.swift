import Foundation
import Logging
import PostgresNIO

/// Elects one maintenance leader among all worker processes with a lease row: whoever
/// holds an unexpired lease keeps renewing it; anyone may take an expired one.
struct Leadership: Sendable {
    let client: PostgresClient
    let name: String
    let leaderID: String
    let ttl: Duration
    let logger: Logger

    /// Takes or renews the lease; true when this process is the leader until `ttl` from now.
    /// The conditional upsert is atomic: two candidates racing for an expired lease
    /// serialize on the row and only one of them satisfies the WHERE clause.
    func attemptElectOrReelect() async throws -> Bool {
        let seconds = Double(ttl.components.seconds)
        let rows = try await client.query(
            """
            INSERT INTO job_leaders (name, leader_id, elected_at, expires_at)
            VALUES (\(name), \(leaderID), now(), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (name) DO UPDATE
               SET leader_id = EXCLUDED.leader_id,
                   elected_at = CASE WHEN job_leaders.leader_id = EXCLUDED.leader_id THEN job_leaders.elected_at ELSE now() END,
                   expires_at = EXCLUDED.expires_at
             WHERE job_leaders.leader_id = EXCLUDED.leader_id OR job_leaders.expires_at < now()
            RETURNING leader_id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Gives the lease up (on shutdown) so another process takes over at once. A failure is
    /// logged and otherwise harmless: the lease expires by itself after `ttl`.
    func resign() async {
        do {
            try await client.query(
                "DELETE FROM job_leaders WHERE name = \(name) AND leader_id = \(leaderID)", logger: logger)
        } catch {
            logger.warning(
                "maintenance lease not given up; it expires by itself",
                metadata: [
                    "leader_id": "\(leaderID)", "ttl_s": "\(ttl.components.seconds)", "error": "\(String(reflecting: error))",
                ])
        }
    }
}
