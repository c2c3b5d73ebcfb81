import ConocelesCore
import Foundation
import PostgresNIO

extension CandidacyRepository {
    /// What a representative narrows its list of candidacies to; nil means any.
    public struct EntityFilter: Sendable, Hashable {
        public var officeCode: String?
        /// INEGI key of the municipality.
        public var municipality: String?
        public var district: Int?
        /// The profile's workflow state.
        public var state: ProfileState?

        public init(officeCode: String? = nil, municipality: String? = nil, district: Int? = nil, state: ProfileState? = nil) {
            self.officeCode = officeCode
            self.municipality = municipality
            self.district = district
            self.state = state
        }
    }

    /// A candidacy with the state of its profile's workflow.
    public struct CandidacyProfile: Sendable, Hashable {
        public var candidacy: Candidacy
        public var state: ProfileState
    }

    /// One page of the active candidacies of `entity` in `processID` matching `filter`, with
    /// their profiles' states, in the order of `candidacies(processID:…)`. Only the entity's
    /// rows are read: the entity is part of the query, never a filter applied afterwards.
    public func profiles(
        processID: String, entity: PostulatingEntity, filter: EntityFilter, limit: Int, offset: Int
    ) async throws -> [CandidacyProfile] {
        var result: [CandidacyProfile] = []
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.prefixedColumns), w.state AS profile_state
              FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
             WHERE c.process_id = \(processID) AND c.entity_kind = \(entity.kind.rawValue) AND c.entity_code = \(entity.code)
               AND c.status = 'aprobada'
               AND (\(filter.officeCode)::text IS NULL OR c.office_code = \(filter.officeCode))
               AND (\(filter.municipality)::text IS NULL OR c.municipality = \(filter.municipality))
               AND (\(filter.district)::int4 IS NULL OR c.district = \(filter.district))
               AND (\(filter.state?.rawValue)::text IS NULL OR w.state = \(filter.state?.rawValue))
             ORDER BY c.office_code, c.district NULLS FIRST, c.municipality NULLS FIRST, c.list_position NULLS FIRST,
                      c.formula_position, c.full_name, c.id
             LIMIT \(limit) OFFSET \(offset)
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

    /// How many active candidacies of `entity` match `filter` (its `state` ignored), by the
    /// state of their profiles; the counts a representative sees above its list.
    public func profileStateCounts(processID: String, entity: PostulatingEntity, filter: EntityFilter) async throws -> [ProfileState: Int] {
        var counts: [ProfileState: Int] = [:]
        let rows = try await client.query(
            """
            SELECT w.state, count(*) FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
             WHERE c.process_id = \(processID) AND c.entity_kind = \(entity.kind.rawValue) AND c.entity_code = \(entity.code)
               AND c.status = 'aprobada'
               AND (\(filter.officeCode)::text IS NULL OR c.office_code = \(filter.officeCode))
               AND (\(filter.municipality)::text IS NULL OR c.municipality = \(filter.municipality))
               AND (\(filter.district)::int4 IS NULL OR c.district = \(filter.district))
             GROUP BY w.state
            """, logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) {
            if let state = ProfileState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    /// The offices, municipalities and districts where `entity` has active candidacies (the
    /// choices of the list's filters), each sorted.
    public func territories(processID: String, entity: PostulatingEntity) async throws -> (offices: [String], municipalities: [String], districts: [Int]) {
        var offices: Set<String> = [], municipalities: Set<String> = [], districts: Set<Int> = []
        let rows = try await client.query(
            """
            SELECT DISTINCT office_code, municipality, district::int4 FROM candidacies
             WHERE process_id = \(processID) AND entity_kind = \(entity.kind.rawValue) AND entity_code = \(entity.code)
               AND status = 'aprobada'
            """, logger: logger)
        for try await (office, municipality, district) in rows.decode((String, String?, Int?).self) {
            offices.insert(office)
            if let municipality { municipalities.insert(municipality) }
            if let district { districts.insert(district) }
        }
        return (offices.sorted(), municipalities.sorted(), districts.sorted())
    }

    /// The candidacies among `ids` that `entity` postulates in `processID` (any status); ids of
    /// other entities or unknown ids are simply absent, and nothing of them is read.
    public func candidacies(ids: [String], processID: String, entity: PostulatingEntity) async throws -> [Candidacy] {
        guard !ids.isEmpty else { return [] }
        var result: [Candidacy] = []
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM candidacies
             WHERE id = ANY(\(ids)::text[]) AND process_id = \(processID)
               AND entity_kind = \(entity.kind.rawValue) AND entity_code = \(entity.code)
            """, logger: logger)
        for try await row in rows { result.append(try Self.decode(row)) }
        return result
    }

    /// One approved candidacy that `entity` postulates in `processID` (the oldest by id), or
    /// nil when it has none: whether its generic account is still needed, and whom its
    /// credentials e-mail names.
    public func anyApproved(processID: String, entity: PostulatingEntity) async throws -> Candidacy? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM candidacies
             WHERE process_id = \(processID) AND entity_kind = \(entity.kind.rawValue) AND entity_code = \(entity.code)
               AND status = 'aprobada'
             ORDER BY id LIMIT 1
            """, logger: logger)
        for try await row in rows { return try Self.decode(row) }
        return nil
    }

    /// `columns` qualified with the alias `c` (a constant, never input).
    static let prefixedColumns = """
        c.id, c.process_id, c.office_code, c.district::int4 AS district, c.municipality, c.list_position, c.formula_position,
        c.full_name, c.gender, c.age_years::int4 AS age_years, c.birth_date::text AS birth_date, c.affirmative_action,
        c.entity_kind, c.entity_code, c.status, c.replaces_candidacy_id
        """
}

extension CandidacyRepository {
    /// The approved candidacies among `ids`, by id, in one statement.
    public func approved(ids: [String]) async throws -> [String: Candidacy] {
        guard !ids.isEmpty else { return [:] }
        var result: [String: Candidacy] = [:]
        for try await row in try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM candidacies WHERE id = ANY(\(ids)::text[]) AND status = 'aprobada'
            """, logger: logger)
        {
            let candidacy = try Self.decode(row)
            result[candidacy.id] = candidacy
        }
        return result
    }
}

extension CandidacyRepository {
    /// The candidacies among `ids` that exist, by id, on the caller's connection.
    public func existing(ids: [String], on connection: PostgresConnection) async throws -> [String: Candidacy] {
        guard !ids.isEmpty else { return [:] }
        var result: [String: Candidacy] = [:]
        for try await row in try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM candidacies WHERE id = ANY(\(Array(Set(ids)))::text[])
            """, logger: logger)
        {
            let candidacy = try Self.decode(row)
            result[candidacy.id] = candidacy
        }
        return result
    }
}
