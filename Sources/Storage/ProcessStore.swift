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

    /// Inserts the process, or refreshes its definition when the file changed, and copies
    /// its offices, parties and coalitions into their tables (upserted, never deleted: rows
    /// may refer to them), all in one transaction.
    public func register(_ process: ElectionProcess) async throws {
        let definition = String(decoding: try JSONEncoder().encode(process), as: UTF8.self)
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO election_processes (id, name, entity, time_zone, definition)
                VALUES (\(process.id), \(process.name), \(process.entity), \(process.timeZone), \(definition)::jsonb)
                ON CONFLICT (id) DO UPDATE
                   SET name = EXCLUDED.name, entity = EXCLUDED.entity, time_zone = EXCLUDED.time_zone,
                       definition = EXCLUDED.definition, loaded_at = now()
                 WHERE election_processes.definition IS DISTINCT FROM EXCLUDED.definition
                """, logger: logger)
            try await registerCatalog(of: process, on: connection)
        }
    }

    private func registerCatalog(of process: ElectionProcess, on connection: PostgresConnection) async throws {
        let offices = process.offices
        try await connection.query(
            """
            INSERT INTO offices (process_id, code, name, scope, seats)
            SELECT \(process.id), code, name, scope, seats
              FROM unnest(\(offices.map(\.code))::text[], \(offices.map(\.name))::text[],
                          \(offices.map(\.scope.rawValue))::text[], \(offices.map(\.seats))::int4[]) AS t(code, name, scope, seats)
            ON CONFLICT (process_id, code) DO UPDATE SET name = EXCLUDED.name, scope = EXCLUDED.scope, seats = EXCLUDED.seats
            """, logger: logger)
        let kinds = process.parties.map { _ in PostulatingEntity.Kind.party.rawValue } + process.coalitions.map(\.kind.rawValue)
        let codes = process.parties.map(\.code) + process.coalitions.map(\.code)
        let names = process.parties.map(\.name) + process.coalitions.map(\.name)
        try await connection.query(
            """
            INSERT INTO postulating_entities (process_id, kind, code, name)
            SELECT \(process.id), kind, code, name FROM unnest(\(kinds)::text[], \(codes)::text[], \(names)::text[]) AS t(kind, code, name)
            ON CONFLICT (process_id, kind, code) DO UPDATE SET name = EXCLUDED.name
            """, logger: logger)
        let members = process.coalitions.flatMap { coalition in coalition.parties.map { (coalition, $0) } }
        try await connection.query(
            """
            INSERT INTO coalition_parties (process_id, coalition_kind, coalition_code, party_code)
            SELECT \(process.id), kind, code, party
              FROM unnest(\(members.map(\.0.kind.rawValue))::text[], \(members.map(\.0.code))::text[], \(members.map(\.1))::text[])
                   AS t(kind, code, party)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Names of the registered processes, by id.
    public func registered() async throws -> [String: String] {
        var result: [String: String] = [:]
        for try await (id, name) in try await client.query("SELECT id, name FROM election_processes", logger: logger)
            .decode((String, String).self)
        {
            result[id] = name
        }
        return result
    }
}
