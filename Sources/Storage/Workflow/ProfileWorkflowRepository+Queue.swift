import ConocelesCore
import Foundation
import PostgresNIO

extension ProfileWorkflowRepository {
    /// Filters of the staff's verification queue: the states it lists, optionally one office
    /// and one postulating entity.
    public struct QueueFilter: Sendable, Hashable {
        public var states: [ProfileState]
        public var officeCode: String?
        public var entity: PostulatingEntity?

        /// A filter on `states`, any office and entity by default.
        public init(states: [ProfileState], officeCode: String? = nil, entity: PostulatingEntity? = nil) {
            self.states = states
            self.officeCode = officeCode
            self.entity = entity
        }
    }

    /// The profiles of `processID`'s active candidacies that match `filter`, oldest first
    /// (longest in their state), `limit` from `offset`.
    public func queue(processID: String, _ filter: QueueFilter, limit: Int = 100, offset: Int = 0) async throws -> [QueuedProfile] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: CandidacyRepository.columns), w.state AS profile_state, w.updated_at AS state_since
              FROM candidacies JOIN profile_workflows w ON w.candidacy_id = candidacies.id
             WHERE process_id = \(processID) AND status = 'aprobada' AND w.state = ANY(\(filter.states.map(\.rawValue))::text[])
               AND (\(filter.officeCode)::text IS NULL OR office_code = \(filter.officeCode))
               AND (\(filter.entity?.kind.rawValue)::text IS NULL
                    OR (entity_kind = \(filter.entity?.kind.rawValue) AND entity_code = \(filter.entity?.code)))
             ORDER BY w.updated_at, candidacies.id
             LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        var result: [QueuedProfile] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let raw = try r["profile_state"].decode(String.self)
            guard let state = ProfileState(rawValue: raw) else {
                throw StorageError(.invalidStoredData, "Estado «\(raw)» desconocido.")
            }
            result.append(
                QueuedProfile(
                    candidacy: try CandidacyRepository.decode(row), state: state,
                    since: try r["state_since"].decode(Date.self)))
        }
        return result
    }

    /// How many profiles match `filter` in each of its states (the queue's counters).
    public func queueCounts(processID: String, _ filter: QueueFilter) async throws -> [ProfileState: Int] {
        let rows = try await client.query(
            """
            SELECT w.state, count(*)::int FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
             WHERE c.process_id = \(processID) AND c.status = 'aprobada' AND w.state = ANY(\(filter.states.map(\.rawValue))::text[])
               AND (\(filter.officeCode)::text IS NULL OR c.office_code = \(filter.officeCode))
               AND (\(filter.entity?.kind.rawValue)::text IS NULL
                    OR (c.entity_kind = \(filter.entity?.kind.rawValue) AND c.entity_code = \(filter.entity?.code)))
             GROUP BY w.state
            """, logger: logger)
        var counts: [ProfileState: Int] = [:]
        for try await (raw, count) in rows.decode((String, Int).self) {
            if let state = ProfileState(rawValue: raw) { counts[state] = count }
        }
        return counts
    }
}
