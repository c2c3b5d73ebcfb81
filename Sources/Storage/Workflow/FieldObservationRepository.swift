import Foundation
import Logging
import PostgresNIO

/// Staff's observations on single fields of a profile, recorded with the return that gives
/// them (on its transaction) and read back, newest first, by the capture portal.
public struct FieldObservationRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// One observation: the form part it concerns, what staff wrote, when and who.
    public struct FieldObservation: Sendable, Hashable {
        public let field: String
        public let observation: String
        public let madeAt: Date
        /// The audit actor's id of the staff account.
        public let madeBy: String

        public init(field: String, observation: String, madeAt: Date, madeBy: String) {
            self.field = field
            self.observation = observation
            self.madeAt = madeAt
            self.madeBy = madeBy
        }
    }

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records `observations` of `candidacyID` on the caller's transaction (the return's).
    public func record(_ observations: [FieldObservation], for candidacyID: String, on connection: PostgresConnection) async throws {
        for item in observations {
            try await connection.query(
                """
                INSERT INTO profile_field_observations (candidacy_id, field, observation, made_at, made_by)
                VALUES (\(candidacyID), \(item.field), \(item.observation), \(item.madeAt), \(item.madeBy))
                """, logger: logger)
        }
    }
}
