import ConocelesCore
import Foundation
import PostgresNIO

extension CandidacyRepository {
    /// Active candidacies of one entity and office in one profile state, counted.
    public struct ProgressCount: Sendable, Hashable {
        public var entity: PostulatingEntity
        public var officeCode: String
        public var state: ProfileState
        public var count: Int
    }

    /// The active candidacies of `processID` whose profile is missing or incomplete
    /// (`ProfileState.isMissingOrIncomplete`), of every entity, ordered by entity and then as
    /// `profiles(…)`: what the deadline reminders list.
    public func missingOrIncomplete(processID: String) async throws -> [CandidacyProfile] {
        try await profiles(processID: processID, states: ProfileState.allCases.filter(\.isMissingOrIncomplete))
    }

    /// The active candidacies of `processID` that never had a published version
    /// (`ProfileState.hasPublishedVersion` false), by entity: the list for the Consejo
    /// General after the campaigns.
    public func neverPublished(processID: String) async throws -> [CandidacyProfile] {
        try await profiles(processID: processID, states: ProfileState.allCases.filter { !$0.hasPublishedVersion })
    }

    /// How many active candidacies of `processID` each entity has per office and profile state.
    public func progressCounts(processID: String) async throws -> [ProgressCount] {
        var result: [ProgressCount] = []
        let rows = try await client.query(
            """
            SELECT c.entity_kind, c.entity_code, c.office_code, w.state, count(*)::int8
              FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
             WHERE c.process_id = \(processID) AND c.status = 'aprobada'
             GROUP BY c.entity_kind, c.entity_code, c.office_code, w.state
            """, logger: logger)
        for try await (kind, code, office, state, count) in rows.decode((String, String, String, String, Int64).self) {
            guard let kind = PostulatingEntity.Kind(rawValue: kind), let state = ProfileState(rawValue: state) else {
                throw StorageError(.invalidStoredData, "Entidad «\(kind)» o estado «\(state)» desconocidos.")
            }
            result.append(ProgressCount(entity: PostulatingEntity(kind: kind, code: code), officeCode: office, state: state, count: Int(count)))
        }
        return result
    }

    /// Active candidacies of `processID` whose profile is in one of `states`, by entity,
    /// office and territory.
    func profiles(processID: String, states: [ProfileState]) async throws -> [CandidacyProfile] {
        var result: [CandidacyProfile] = []
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.prefixedColumns), w.state AS profile_state
              FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
             WHERE c.process_id = \(processID) AND c.status = 'aprobada' AND w.state = ANY(\(states.map(\.rawValue))::text[])
             ORDER BY c.entity_kind, c.entity_code, c.office_code, c.district NULLS FIRST, c.municipality NULLS FIRST,
                      c.list_position NULLS FIRST, c.formula_position, c.full_name, c.id
            """, logger: logger)
        for try await row in rows {
            let raw = try row.makeRandomAccess()["profile_state"].decode(String.self)
            guard let state = ProfileState(rawValue: raw) else {
                throw StorageError(.invalidStoredData, "Estado «\(raw)» desconocido.")
            }
            result.append(CandidacyProfile(candidacy: try Self.decode(row), state: state))
        }
        return result
    }
}
