import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Candidacies as the registration system approves, substitutes and cancels them. A new
/// candidacy gets its profile workflow (pending) in the same transaction; a withdrawal
/// blocks its sensitive data and disables its candidate account at once. Every change
/// appends an audit line in the same transaction.
public struct CandidacyRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    let audit: AuditLog

    /// A repository over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.audit = AuditLog(client: client, logger: logger)
    }

    /// Column list of the row decoder (a constant, never input).
    static let columns = """
        id, process_id, office_code, district::int4, municipality, list_position, formula_position, full_name, gender,
        age_years::int4, birth_date::text, affirmative_action, entity_kind, entity_code, status, replaces_candidacy_id
        """

    /// Registers one approved candidacy (see `registerMany`).
    public func register(_ candidacy: Candidacy, by actor: AuditActor, at now: Date = Date()) async throws {
        try await client.transaction(logger: logger) { connection in
            try await registerMany([candidacy], by: actor, at: now, on: connection)
        }
    }

    /// Registers `candidacies` in bulk on the caller's connection: independent candidacies'
    /// entities, the candidacies, their pending workflows and their audit lines.
    /// - Throws: `StorageError.conflict` when an id exists already; PostgreSQL's error when
    ///   an office or a party is not part of the process.
    public func registerMany(_ candidacies: [Candidacy], by actor: AuditActor, at now: Date = Date(), on connection: PostgresConnection) async throws {
        guard !candidacies.isEmpty else { return }
        let independents = candidacies.filter { $0.postulatingEntity.kind == .independent }
        if !independents.isEmpty {
            try await connection.query(
                """
                INSERT INTO postulating_entities (process_id, kind, code, name)
                SELECT DISTINCT process_id, 'independiente', code, 'Candidatura independiente'
                  FROM unnest(\(independents.map(\.processID))::text[], \(independents.map(\.postulatingEntity.code))::text[]) AS t(process_id, code)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let ids = candidacies.map(\.id)
        do {
            try await connection.query(insertQuery(candidacies, at: now), logger: logger)
        } catch {
            guard PostgresErrorText.sqlState(error) == "23505" else { throw error }
            throw StorageError(.conflict, "Alguna de las candidaturas ya estaba registrada.")
        }
        try await connection.query(
            """
            INSERT INTO profile_workflows (candidacy_id, updated_at) SELECT id, \(now) FROM unnest(\(ids)::text[]) AS t(id)
            """, logger: logger)
        try await audit.appendMany(
            candidacies.map { candidacy in
                .candidacy(
                    candidacy.id, "candidacy.register", by: actor,
                    changes: [
                        "status": candidacy.status.rawValue, "office": candidacy.officeCode,
                        "entity": "\(candidacy.postulatingEntity.kind.rawValue):\(candidacy.postulatingEntity.code)",
                    ], at: now)
            }, on: connection)
    }

    private func insertQuery(_ candidacies: [Candidacy], at now: Date) -> PostgresQuery {
        var years: [Int] = [], births: [String] = []
        for candidacy in candidacies {
            switch candidacy.age {
            case .years(let value): years.append(value); births.append("")
            case .birthDate(let date): years.append(0); births.append(date.description)
            }
        }
        return """
            INSERT INTO candidacies (id, process_id, office_code, district, municipality, list_position, formula_position,
                                     full_name, gender, age_years, birth_date, affirmative_action, entity_kind, entity_code,
                                     status, status_changed_at, replaces_candidacy_id, created_at, updated_at)
            SELECT id, process_id, office_code, nullif(district, 0), nullif(municipality, ''), nullif(list_position, 0),
                   formula_position, full_name, gender, nullif(age_years, 0), nullif(birth_date, '')::date,
                   nullif(affirmative_action, ''), entity_kind, entity_code, status,
                   CASE WHEN status = 'aprobada' THEN NULL ELSE \(now) END, nullif(replaces, ''), \(now), \(now)
              FROM unnest(\(candidacies.map(\.id))::text[], \(candidacies.map(\.processID))::text[],
                          \(candidacies.map(\.officeCode))::text[], \(candidacies.map { $0.district ?? 0 })::int4[],
                          \(candidacies.map { $0.municipality ?? "" })::text[], \(candidacies.map { $0.listPosition ?? 0 })::int4[],
                          \(candidacies.map(\.formulaPosition.rawValue))::text[], \(candidacies.map(\.fullName))::text[],
                          \(candidacies.map(\.gender.rawValue))::text[], \(years)::int4[], \(births)::text[],
                          \(candidacies.map { $0.affirmativeAction?.rawValue ?? "" })::text[],
                          \(candidacies.map(\.postulatingEntity.kind.rawValue))::text[], \(candidacies.map(\.postulatingEntity.code))::text[],
                          \(candidacies.map(\.status.rawValue))::text[], \(candidacies.map { $0.replacesCandidacyID ?? "" })::text[])
                   WITH ORDINALITY AS t(id, process_id, office_code, district, municipality, list_position, formula_position,
                                        full_name, gender, age_years, birth_date, affirmative_action, entity_kind, entity_code,
                                        status, replaces, ord)
             ORDER BY ord
            """
    }

    /// The candidacy with this id, or nil.
    public func candidacy(id: String) async throws -> Candidacy? {
        try await list("SELECT \(unescaped: Self.columns) FROM candidacies WHERE id = \(id)").first
    }

    /// `candidacy(id:)` on the caller's connection (inside its transaction).
    public func candidacy(id: String, on connection: PostgresConnection) async throws -> Candidacy? {
        for try await row in try await connection.query("SELECT \(unescaped: Self.columns) FROM candidacies WHERE id = \(id)", logger: logger) {
            return try Self.decode(row)
        }
        return nil
    }

    /// The candidacies of `processID`, optionally of one office and one entity, by office,
    /// territory, list position and formula position.
    public func candidacies(processID: String, officeCode: String? = nil, entity: PostulatingEntity? = nil) async throws -> [Candidacy] {
        try await list(
            """
            SELECT \(unescaped: Self.columns) FROM candidacies
             WHERE process_id = \(processID)
               AND (\(officeCode)::text IS NULL OR office_code = \(officeCode))
               AND (\(entity?.kind.rawValue)::text IS NULL OR (entity_kind = \(entity?.kind.rawValue) AND entity_code = \(entity?.code)))
             ORDER BY office_code, district NULLS FIRST, municipality NULLS FIRST, list_position NULLS FIRST, entity_kind, entity_code,
                      formula_position, id
            """)
    }

    /// How many candidacies `processID` has in each status.
    public func countsByStatus(processID: String) async throws -> [CandidacyStatus: Int] {
        var counts: [CandidacyStatus: Int] = [:]
        let rows = try await client.query(
            "SELECT status, count(*) FROM candidacies WHERE process_id = \(processID) GROUP BY status", logger: logger)
        for try await (status, count) in rows.decode((String, Int).self) {
            if let status = CandidacyStatus(rawValue: status) { counts[status] = count }
        }
        return counts
    }

    /// Withdraws candidacy `id` (substituted or cancelled): its status changes, its identity
    /// questionnaire is blocked and its candidate account disabled, with an audit line, in
    /// one transaction.
    /// - Throws: `StorageError.notFound`; `StorageError.conflict` when the candidacy is
    ///   not approved any more (`CandidacyStatus.canChange(to:)`).
    @discardableResult
    public func withdraw(_ id: String, as status: CandidacyStatus, by actor: AuditActor, at now: Date = Date()) async throws -> Candidacy {
        try await client.transaction(logger: logger) { connection in
            try await withdraw(id, as: status, by: actor, at: now, on: connection)
        }
    }

    /// `withdraw(_:as:by:at:)` on the caller's connection.
    @discardableResult
    public func withdraw(
        _ id: String, as status: CandidacyStatus, by actor: AuditActor, at now: Date = Date(),
        on connection: PostgresConnection
    ) async throws -> Candidacy {
        // Lock the row so two withdrawals of one candidacy (duplicate events) serialize.
        let rows = try await connection.query("SELECT \(unescaped: Self.columns) FROM candidacies WHERE id = \(id) FOR UPDATE", logger: logger)
        var found: Candidacy?
        for try await row in rows { found = try Self.decode(row) }
        guard var candidacy = found else { throw StorageError(.notFound, "La candidatura \(id) no existe.") }
        guard candidacy.status.canChange(to: status) else {
            throw StorageError(.conflict, "La candidatura \(id) está \(candidacy.status.label.lowercased()); no puede quedar \(status.label.lowercased()).")
        }
        try await connection.query(
            """
            UPDATE candidacies SET status = \(status.rawValue), status_changed_at = \(now), updated_at = \(now) WHERE id = \(id)
            """, logger: logger)
        try await connection.query(
            "UPDATE identity_questionnaires SET blocked_at = \(now) WHERE candidacy_id = \(id) AND blocked_at IS NULL", logger: logger)
        try await connection.query(
            """
            UPDATE accounts SET disabled_at = \(now), activation_token_hash = NULL, activation_expires_at = NULL, updated_at = \(now)
             WHERE candidacy_id = \(id) AND disabled_at IS NULL
            """, logger: logger)
        try await audit.append(
            .candidacy(
                id, "candidacy.withdraw", by: actor,
                changes: [
                    "from": candidacy.status.rawValue, "to": status.rawValue, "identity": "bloqueado",
                ], at: now), on: connection)
        candidacy.status = status
        return candidacy
    }

    private func list(_ query: PostgresQuery) async throws -> [Candidacy] {
        var result: [Candidacy] = []
        for try await row in try await client.query(query, logger: logger) { result.append(try Self.decode(row)) }
        return result
    }

    static func decode(_ row: PostgresRow) throws -> Candidacy {
        let r = row.makeRandomAccess()
        func enumValue<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            let raw = try r[column].decode(String.self)
            guard let value = T(rawValue: raw) else { throw StorageError(.invalidStoredData, "Valor «\(raw)» inesperado en \(column).") }
            return value
        }
        let age: CandidateAge
        if let years = try r["age_years"].decode(Int?.self) {
            age = .years(years)
        } else if let text = try r["birth_date"].decode(String?.self), let date = LocalDate(text) {
            age = .birthDate(date)
        } else {
            throw StorageError(.invalidStoredData, "La candidatura no tiene edad.")
        }
        return Candidacy(
            id: try r["id"].decode(String.self), processID: try r["process_id"].decode(String.self),
            officeCode: try r["office_code"].decode(String.self), district: try r["district"].decode(Int?.self),
            municipality: try r["municipality"].decode(String?.self), listPosition: try r["list_position"].decode(Int?.self),
            formulaPosition: try enumValue(FormulaPosition.self, "formula_position"), fullName: try r["full_name"].decode(String.self),
            gender: try enumValue(Gender.self, "gender"), age: age,
            affirmativeAction: try r["affirmative_action"].decode(String?.self).flatMap(IdentityGroup.init(rawValue:)),
            postulatingEntity: PostulatingEntity(
                kind: try enumValue(PostulatingEntity.Kind.self, "entity_kind"),
                code: try r["entity_code"].decode(String.self)),
            status: try enumValue(CandidacyStatus.self, "status"),
            replacesCandidacyID: try r["replaces_candidacy_id"].decode(String?.self))
    }
}
