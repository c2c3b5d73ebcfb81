import Foundation
import PostgresNIO

extension AccountRepository {
    /// One page of the accounts page of `processID`: the lines `filter` keeps, by entity (its
    /// generic account first), then candidacy, `limit` from `offset`, and how many lines the
    /// filter keeps in all (0 when the page is past the end).
    ///
    /// The lines are every approved candidacy with its account (or none yet) and every live
    /// generic account.
    /// - Parameter lateCandidacyIDs: the candidacies `AccountDeadlines.late` reports (used by
    ///   the `late` filter; the deadline rule lives there only).
    public func overview(
        processID: String, filter: AccountOverviewFilter, lateCandidacyIDs: [String] = [],
        limit: Int = 100, offset: Int = 0
    ) async throws -> (rows: [AccountOverviewRow], matching: Int) {
        let rows = try await client.query(
            """
            WITH lines AS (
                SELECT false AS generic, c.entity_code, c.id AS candidacy_id, c.full_name AS holder, a.id AS account_id,
                       a.username, 'persona_candidata' AS role, a.created_at,
                       coalesce(a.first_credentials_sent_at, a.credentials_sent_at) AS credentials_sent_at, a.activated_at,
                       a.mail_failure
                  FROM candidacies c LEFT JOIN accounts a ON a.candidacy_id = c.id
                 WHERE c.process_id = \(processID) AND c.status = 'aprobada'
                UNION ALL
                SELECT true, a.entity_code, NULL, a.display_name, a.id, a.username, a.role, a.created_at,
                       coalesce(a.first_credentials_sent_at, a.credentials_sent_at), a.activated_at, a.mail_failure
                  FROM accounts a
                 WHERE a.process_id = \(processID) AND a.role = 'representacion' AND a.disabled_at IS NULL
            )
            SELECT account_id, username, role, candidacy_id, holder, entity_code, created_at, credentials_sent_at, activated_at,
                   mail_failure, count(*) OVER ()::int
              FROM lines
             WHERE \(filter.rawValue) = 'todas'
                OR (\(filter.rawValue) = 'pendientes' AND activated_at IS NULL)
                OR (\(filter.rawValue) = 'activadas' AND activated_at IS NOT NULL)
                OR (\(filter.rawValue) = 'atrasadas' AND candidacy_id = ANY(\(lateCandidacyIDs)::text[]))
             ORDER BY entity_code, generic DESC, candidacy_id, username
             LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        var result: [AccountOverviewRow] = []
        var matching = 0
        for try await (id, username, role, candidacyID, holder, entity, created, sent, activated, failure, total) in rows.decode(
            (UUID?, String?, String, String?, String, String, Date?, Date?, Date?, String?, Int).self)
        {
            matching = total
            result.append(
                AccountOverviewRow(
                    accountID: id, username: username, role: AccountRole(rawValue: role) ?? .candidate, candidacyID: candidacyID,
                    holderName: holder, entityCode: entity, issuedAt: created, credentialsSentAt: sent, activatedAt: activated,
                    mailFailure: failure))
        }
        return (result, matching)
    }

    /// Totals over every line of the accounts page of `processID` (see `overview`).
    public func overviewTotals(processID: String) async throws -> AccountOverviewTotals {
        let rows = try await client.query(
            """
            SELECT count(*)::int, count(a.id)::int, count(coalesce(a.first_credentials_sent_at, a.credentials_sent_at))::int,
                   count(a.activated_at)::int
              FROM candidacies c LEFT JOIN accounts a ON a.candidacy_id = c.id
             WHERE c.process_id = \(processID) AND c.status = 'aprobada'
            UNION ALL
            SELECT count(*)::int, count(*)::int, count(coalesce(first_credentials_sent_at, credentials_sent_at))::int,
                   count(activated_at)::int
              FROM accounts WHERE process_id = \(processID) AND role = 'representacion' AND disabled_at IS NULL
            """, logger: logger)
        var totals = AccountOverviewTotals(lines: 0, issued: 0, sent: 0, activated: 0)
        for try await (lines, issued, sent, activated) in rows.decode((Int, Int, Int, Int).self) {
            totals.lines += lines
            totals.issued += issued
            totals.sent += sent
            totals.activated += activated
        }
        return totals
    }
}
