import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// The numbers of the staff's compliance dashboard: per party, coalition or independent
/// candidacy and per office, how far the approved candidacies have come (accounts sent and
/// within their deadline, captured, complete, authorized, verified, published, substitutes
/// captured in time), and the candidacies behind each number. One grouped query per table.
public struct ComplianceRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The dashboard's two tables for `scope`: by entity (restricted to `scope.officeCode`
    /// when set) and by office (restricted to `scope.entity` when set), each ordered by its key.
    public func tables(_ scope: ComplianceScope, now: Date = Date()) async throws -> (byEntity: [ComplianceRow], byOffice: [ComplianceRow]) {
        let late = try await lateAccounts(scope, now: now)
        var entityScope = scope
        entityScope.entity = nil
        var officeScope = scope
        officeScope.officeCode = nil
        return (try await counts(entityScope, byEntity: true, late: late), try await counts(officeScope, byEntity: false, late: late))
    }

    /// The rows of one table: by entity when `byEntity`, else by office.
    public func counts(_ scope: ComplianceScope, byEntity: Bool, now: Date = Date()) async throws -> [ComplianceRow] {
        try await counts(scope, byEntity: byEntity, late: try await lateAccounts(scope, now: now))
    }

    /// The candidacies counted by `indicator` in `scope`, by office, entity and name (at most `limit`).
    public func candidacies(
        _ scope: ComplianceScope, indicator: ComplianceIndicator, now: Date = Date(),
        limit: Int = 5_000
    ) async throws -> [ComplianceCandidacy] {
        let late = try await lateAccounts(scope, now: now)
        let rows = try await client.query(
            Self.query(
                scope, late: late,
                select: """
                    SELECT id, full_name, office_code, entity_kind, entity_code, state, sent_at FROM base
                     WHERE \(indicator.column)
                     ORDER BY office_code, entity_kind, entity_code, full_name, id
                     LIMIT \(max(0, limit))
                    """), logger: logger)
        var result: [ComplianceCandidacy] = []
        for try await (id, name, office, kind, code, state, sent) in rows.decode((String, String, String, String, String, String, Date?).self) {
            guard let kind = PostulatingEntity.Kind(rawValue: kind), let state = ProfileState(rawValue: state) else {
                throw StorageError(.invalidStoredData, "La candidatura \(id) tiene un tipo de postulante o un estado de perfil desconocido.")
            }
            result.append(
                ComplianceCandidacy(
                    id: id, fullName: name, officeCode: office, entity: PostulatingEntity(kind: kind, code: code),
                    state: state, credentialsSentAt: sent))
        }
        return result
    }

    /// Ids of the approved candidacies whose credentials went out late or are overdue: the
    /// accounts rule lives in `AccountDeadlines`, not here.
    func lateAccounts(_ scope: ComplianceScope, now: Date) async throws -> [String] {
        try await AccountDeadlines(client: client, logger: logger)
            .late(processID: scope.processID, timeZone: scope.timeZone, days: scope.accountsSentDays, now: now, limit: 10_000_000)
            .map(\.candidacyID)
    }

    func counts(_ scope: ComplianceScope, byEntity: Bool, late: [String]) async throws -> [ComplianceRow] {
        let keys = byEntity ? "entity_kind, entity_code" : "office_code, office_code"
        let sums = ComplianceIndicator.allCases.map { "count(*) FILTER (WHERE \($0.column))::int" }.joined(separator: ", ")
        let rows = try await client.query(
            Self.query(
                scope, late: late,
                select: """
                    SELECT \(keys), \(sums) FROM base GROUP BY 1, 2 ORDER BY 1, 2
                    """), logger: logger)
        var result: [ComplianceRow] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let first = try columns[0].decode(String.self), second = try columns[1].decode(String.self)
            let group: ComplianceRow.Group
            if byEntity {
                guard let kind = PostulatingEntity.Kind(rawValue: first) else {
                    throw StorageError(.invalidStoredData, "Tipo de postulante desconocido: \(first).")
                }
                group = .entity(PostulatingEntity(kind: kind, code: second))
            } else {
                group = .office(code: first)
            }
            var counts: [ComplianceIndicator: Int] = [:]
            for (index, indicator) in ComplianceIndicator.allCases.enumerated() { counts[indicator] = try columns[2 + index].decode(Int.self) }
            result.append(ComplianceRow(group: group, counts: counts))
        }
        return result
    }

    /// `select` over `base`: one row per approved candidacy of `scope`, with a boolean column
    /// per indicator (`ComplianceIndicator.column`). `select` is fixed text of this type,
    /// never input; every value is bound.
    static func query(_ scope: ComplianceScope, late: [String], select: String) -> PostgresQuery {
        let captured = ProfileState.reaching(.captured).map(\.rawValue), complete = ProfileState.reaching(.complete).map(\.rawValue)
        let authorized = ProfileState.reaching(.authorized).map(\.rawValue), verified = ProfileState.reaching(.verified).map(\.rawValue)
        let published = ProfileState.reaching(.published).map(\.rawValue)
        // A substitute's data are due by the end of the N-th natural day after its credentials
        // were sent (local midnight of sent day + N + 1); captured means marked complete.
        return """
            WITH candidacy AS (
                SELECT c.id, c.full_name, c.office_code, c.entity_kind, c.entity_code,
                       c.replaces_candidacy_id IS NOT NULL AS substitute,
                       coalesce(w.state, 'pendiente') AS state, coalesce(a.first_credentials_sent_at, a.credentials_sent_at) AS sent_at,
                       CASE WHEN c.replaces_candidacy_id IS NOT NULL THEN
                           (SELECT min(t.occurred_at) FROM profile_transitions t
                             WHERE t.candidacy_id = c.id AND t.to_state = 'completo') END AS completed_at
                  FROM candidacies c
                  LEFT JOIN accounts a ON a.candidacy_id = c.id
                  LEFT JOIN profile_workflows w ON w.candidacy_id = c.id
                 WHERE c.process_id = \(scope.processID) AND c.status = 'aprobada'
                   AND (\(scope.officeCode)::text IS NULL OR c.office_code = \(scope.officeCode)::text)
                   AND (\(scope.entity?.kind.rawValue)::text IS NULL
                        OR (c.entity_kind = \(scope.entity?.kind.rawValue)::text AND c.entity_code = \(scope.entity?.code)::text))
            ), base AS (
                SELECT id, full_name, office_code, entity_kind, entity_code, state, sent_at,
                       true AS approved,
                       sent_at IS NOT NULL AS accounts_sent,
                       sent_at IS NOT NULL AND NOT (id = ANY(\(late)::text[])) AS accounts_on_time,
                       state = ANY(\(captured)::text[]) AS captured,
                       state = ANY(\(complete)::text[]) AS complete,
                       state = ANY(\(authorized)::text[]) AS authorized,
                       state = ANY(\(verified)::text[]) AS verified,
                       state = ANY(\(published)::text[]) AS published,
                       substitute,
                       substitute AND completed_at IS NOT NULL AND sent_at IS NOT NULL
                           AND completed_at <= ((date_trunc('day', sent_at AT TIME ZONE \(scope.timeZone))
                                                 + make_interval(days => \(scope.substituteCaptureDays + 1)::int))
                                                AT TIME ZONE \(scope.timeZone)) AS substitute_on_time
                  FROM candidacy
            )
            \(unescaped: select)
            """
    }
}
