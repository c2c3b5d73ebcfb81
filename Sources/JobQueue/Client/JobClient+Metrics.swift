import Foundation
import PostgresNIO

extension JobClient {
    /// Queue figures read at scrape time, in Prometheus text format: jobs by state and kind,
    /// queue depth (available jobs) and lag (age of the oldest available job), per queue.
    public func prometheusGauges() async throws -> String {
        var text = """
            # HELP conoceles_jobs Jobs in the table by queue, kind and state.
            # TYPE conoceles_jobs gauge

            """
        for row in try await stats() {
            text += "conoceles_jobs{queue=\"\(Self.label(row.queue))\",kind=\"\(Self.label(row.kind))\",state=\"\(row.state.rawValue)\"} \(row.count)\n"
        }
        text += """
            # HELP conoceles_queue_depth Available jobs waiting per queue.
            # TYPE conoceles_queue_depth gauge
            # HELP conoceles_queue_lag_seconds Age of the oldest available job per queue.
            # TYPE conoceles_queue_lag_seconds gauge

            """
        let rows = try await client.query(
            """
            SELECT queue, count(*)::int, coalesce(extract(epoch FROM now() - min(scheduled_at)), 0)::float8
              FROM jobs WHERE state = 'available' GROUP BY queue ORDER BY queue
            """, logger: logger)
        for try await (queue, depth, lag) in rows.decode((String, Int, Double).self) {
            text += "conoceles_queue_depth{queue=\"\(Self.label(queue))\"} \(depth)\n"
            text += "conoceles_queue_lag_seconds{queue=\"\(Self.label(queue))\"} \(lag)\n"
        }
        return text
    }

    /// Escapes a Prometheus label value.
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
