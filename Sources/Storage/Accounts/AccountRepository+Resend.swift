import Foundation
import PostgresNIO

extension AccountRepository {
    /// The accounts of `processID` whose credentials may be (re)sent — not activated, not
    /// disabled — each with the candidacy and applied registration event the credentials
    /// e-mail takes; only `accountID` when given. Accounts without such an event are left out.
    public func credentialsTargets(processID: String, accountID: UUID? = nil) async throws -> [CredentialsTarget] {
        // Candidate accounts take their own candidacy's latest applied event; generic
        // accounts the latest applied event of any approved candidacy of their entity.
        let rows = try await client.query(
            """
            SELECT a.id, e.candidacy_id, e.id, false FROM accounts a
              JOIN LATERAL (SELECT candidacy_id, id FROM registration_events
                             WHERE candidacy_id = a.candidacy_id AND status = 'applied'
                               AND type IN ('approval', 'update', 'substitution')
                             ORDER BY received_at DESC LIMIT 1) e ON true
              JOIN candidacies c ON c.id = a.candidacy_id AND c.status = 'aprobada'
             WHERE a.process_id = \(processID) AND a.role = 'persona_candidata' AND a.activated_at IS NULL
               AND a.disabled_at IS NULL AND (\(accountID)::uuid IS NULL OR a.id = \(accountID))
            UNION ALL
            SELECT a.id, e.candidacy_id, e.id, true FROM accounts a
              JOIN LATERAL (SELECT ev.candidacy_id, ev.id FROM candidacies c
                              JOIN registration_events ev ON ev.candidacy_id = c.id
                             WHERE c.process_id = a.process_id AND c.entity_kind = a.entity_kind
                               AND c.entity_code = a.entity_code AND c.status = 'aprobada'
                               AND ev.status = 'applied' AND ev.type IN ('approval', 'update', 'substitution')
                             ORDER BY ev.received_at DESC LIMIT 1) e ON true
             WHERE a.process_id = \(processID) AND a.role = 'representacion' AND a.activated_at IS NULL
               AND a.disabled_at IS NULL AND (\(accountID)::uuid IS NULL OR a.id = \(accountID))
            """, logger: logger)
        var result: [CredentialsTarget] = []
        for try await (id, candidacyID, eventID, generic) in rows.decode((UUID, String, String, Bool).self) {
            result.append(CredentialsTarget(accountID: id, candidacyID: candidacyID, eventID: eventID, isGeneric: generic))
        }
        return result
    }

    /// Marks the credentials of `accountIDs` as not sent (so `mail.credentials` sends a new
    /// link), with one audit line each, on the caller's connection (inside its transaction).
    public func clearCredentialsSent(
        accountIDs: [UUID], by actor: AuditActor, at now: Date = Date(),
        on connection: PostgresConnection
    ) async throws {
        guard !accountIDs.isEmpty else { return }
        var cleared: [UUID] = []
        for try await id in try await connection.query(
            """
            UPDATE accounts SET credentials_sent_at = NULL, updated_at = \(now), credentials_issue = credentials_issue + 1,
                                credentials_issued_at = NULL, credentials_lease_until = NULL,
                                activation_token_hash = NULL, activation_expires_at = NULL
             WHERE id = ANY(\(accountIDs)::uuid[]) AND disabled_at IS NULL RETURNING id
            """, logger: logger
        ).decode(UUID.self) { cleared.append(id) }
        try await audit.appendMany(
            cleared.map {
                AuditEntry(actor: actor, action: "account.credentials_resend", subjectType: "account", subjectID: $0.uuidString, occurredAt: now)
            }, on: connection)
    }

    /// The approved candidacies of `processID` that have no account yet, but those in
    /// `excluding` (the ones a live `account.issue` job already serves, read from the queue
    /// by the caller: `JobClient.liveArgumentValues`, so a second click does not issue the same
    /// accounts twice while the first jobs wait), each with its latest applied registration
    /// event (the job's arguments); those without an applied event are left out.
    public func candidaciesWithoutAccount(
        processID: String, excluding: Set<String> = [], limit: Int = 100_000
    ) async throws -> [(candidacyID: String, eventID: String)] {
        let rows = try await client.query(
            """
            SELECT c.id, e.id FROM candidacies c
              JOIN LATERAL (SELECT id FROM registration_events
                             WHERE candidacy_id = c.id AND status = 'applied' AND type IN ('approval', 'update', 'substitution')
                             ORDER BY received_at DESC LIMIT 1) e ON true
             WHERE c.process_id = \(processID) AND c.status = 'aprobada'
               AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.candidacy_id = c.id)
               AND NOT (c.id = ANY(\(Array(excluding))::text[]))
             ORDER BY c.id LIMIT \(limit)
            """, logger: logger)
        var result: [(String, String)] = []
        for try await (candidacyID, eventID) in rows.decode((String, String).self) { result.append((candidacyID, eventID)) }
        return result
    }
}
