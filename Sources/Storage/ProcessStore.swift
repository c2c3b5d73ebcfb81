import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Registers the configured electoral process in the database so that rows can refer to it.
public struct ProcessStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Inserts the process, or refreshes its definition when the file changed.
    public func register(_ process: ElectionProcess) async throws {
        let definition = String(decoding: try JSONEncoder().encode(process), as: UTF8.self)
        try await client.query("""
            INSERT INTO election_processes (id, name, entity, time_zone, definition)
            VALUES (\(process.id), \(process.name), \(process.entity), \(process.timeZone), \(definition)::jsonb)
            ON CONFLICT (id) DO UPDATE
               SET name = EXCLUDED.name, entity = EXCLUDED.entity, time_zone = EXCLUDED.time_zone,
                   definition = EXCLUDED.definition, loaded_at = now()
             WHERE election_processes.definition IS DISTINCT FROM EXCLUDED.definition
            """, logger: logger)
    }

    /// Names of the registered processes, by id.
    public func registered() async throws -> [String: String] {
        var result: [String: String] = [:]
        for try await (id, name) in try await client.query("SELECT id, name FROM election_processes", logger: logger)
            .decode((String, String).self) {
            result[id] = name
        }
        return result
    }
}
