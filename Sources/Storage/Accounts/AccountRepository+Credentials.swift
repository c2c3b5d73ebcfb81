import ConocelesCore
import Foundation
import PostgresNIO

/// An account due its credentials e-mail, as `mail.credentials` claimed it.
public struct CredentialsDue: Sendable {
    public let account: Account
    /// The issue the activation token is derived from (1, then one more per re-send).
    public let issue: Int
    /// When this issue was first claimed for sending: the e-mail's Date, fixed for every retry.
    public let issuedAt: Date
}

extension AccountRepository {
    /// Creates `accounts` without an activation token (the credentials e-mail derives and sets
    /// it when it goes out) on the caller's connection; an account that exists already (the
    /// candidacy's, or the entity's live generic account, or the username) is skipped. Returns
    /// the ids created, with one audit line each.
    public func createAwaitingCredentials(
        _ accounts: [NewAccount], by actor: AuditActor, at now: Date = Date(), on connection: PostgresConnection
    ) async throws -> [UUID] {
        guard !accounts.isEmpty else { return [] }
        let ids = accounts.map { $0.id ?? UUID() }
        var created: Set<UUID> = []
        for try await id in try await connection.query(
            """
            INSERT INTO accounts (id, username, email, display_name, role, process_id, candidacy_id, entity_kind, entity_code,
                                  created_at, updated_at)
            SELECT id, username, email, display_name, role, nullif(process_id, ''), nullif(candidacy_id, ''),
                   nullif(entity_kind, ''), nullif(entity_code, ''), \(now), \(now)
              FROM unnest(\(ids)::uuid[], \(accounts.map(\.username))::text[], \(accounts.map(\.email))::text[],
                          \(accounts.map(\.displayName))::text[], \(accounts.map(\.role.rawValue))::text[],
                          \(accounts.map { $0.processID ?? "" })::text[], \(accounts.map { $0.candidacyID ?? "" })::text[],
                          \(accounts.map { $0.entity?.kind.rawValue ?? "" })::text[], \(accounts.map { $0.entity?.code ?? "" })::text[])
                   AS t(id, username, email, display_name, role, process_id, candidacy_id, entity_kind, entity_code)
            ON CONFLICT DO NOTHING
            RETURNING id
            """, logger: logger
        ).decode(UUID.self) { created.insert(id) }
        let entries = zip(ids, accounts).filter { created.contains($0.0) }.map { id, account in
            AuditEntry(
                actor: actor, action: "account.create", subjectType: "account", subjectID: id.uuidString,
                candidacyID: account.candidacyID, changes: ["role": account.role.rawValue, "username": account.username],
                occurredAt: now)
        }
        try await audit.appendMany(entries, on: connection)
        return ids.filter(created.contains)
    }

    /// Claims up to `limit` accounts due their credentials e-mail (candidate and generic
    /// accounts never sent, not disabled, not refused by the mail server), oldest first, in
    /// one statement: each gets a lease of `leaseSeconds` (another worker skips it meanwhile;
    /// a worker that dies lets it go when the lease ends) and its issue's date, fixed at the
    /// first claim. With `accountIDs`, only those (a re-send asked for them, refused or not).
    /// `job` owns the lease: the same job, retried after its worker died or its database
    /// connection dropped mid-batch, takes its accounts back at once.
    /// `includeRefused` claims named accounts whose address the server refused (a re-send).
    public func claimCredentialsDue(
        limit: Int, accountIDs: [UUID]? = nil, includeRefused: Bool = false, leaseSeconds: Int, job: Int64,
        at now: Date = Date()
    ) async throws -> [CredentialsDue] {
        let lease = now.addingTimeInterval(Double(leaseSeconds))
        let query: PostgresQuery
        if let accountIDs {
            query = """
                WITH due AS (
                    -- By primary key (an ORDER BY created_at here made the planner walk the due
                    -- index instead: 8 ms a claim in the ingest benchmark).
                    SELECT a.id FROM unnest(\(accountIDs)::uuid[]) AS t(id) JOIN accounts a ON a.id = t.id
                     WHERE a.credentials_sent_at IS NULL AND a.disabled_at IS NULL
                       AND a.role IN ('persona_candidata', 'representacion') AND (\(includeRefused) OR a.mail_failed_at IS NULL)
                       AND (a.credentials_lease_until IS NULL OR a.credentials_lease_until < \(now) OR a.credentials_lease_job = \(job))
                     LIMIT \(limit) FOR UPDATE OF a SKIP LOCKED)
                UPDATE accounts a
                   SET credentials_lease_until = \(lease), credentials_lease_job = \(job), credentials_issued_at = coalesce(a.credentials_issued_at, \(now))
                  FROM due WHERE a.id = due.id
                RETURNING \(unescaped: Self.prefixedColumns("a")), a.credentials_issue, a.credentials_issued_at
                """
        } else {
            query = """
                WITH due AS (
                    SELECT id FROM accounts
                     WHERE credentials_sent_at IS NULL AND disabled_at IS NULL AND mail_failed_at IS NULL
                       AND role IN ('persona_candidata', 'representacion')
                       AND (credentials_lease_until IS NULL OR credentials_lease_until < \(now) OR credentials_lease_job = \(job))
                     ORDER BY created_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                UPDATE accounts a
                   SET credentials_lease_until = \(lease), credentials_lease_job = \(job), credentials_issued_at = coalesce(a.credentials_issued_at, \(now))
                  FROM due WHERE a.id = due.id
                RETURNING \(unescaped: Self.prefixedColumns("a")), a.credentials_issue, a.credentials_issued_at
                """
        }
        var claimed: [CredentialsDue] = []
        for try await row in try await client.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            claimed.append(
                CredentialsDue(
                    account: try Self.decode(row), issue: try r["credentials_issue"].decode(Int.self),
                    issuedAt: try r["credentials_issued_at"].decode(Date.self)))
        }
        return claimed.sorted { $0.account.createdAt < $1.account.createdAt }
    }

    /// Stores the hashes of the claimed accounts' derived activation tokens in one statement,
    /// each link valid for `activationTTL` from now (a retry stores the same hash again).
    public func setActivationTokens(
        _ tokens: [(accountID: UUID, token: ActivationToken)], activationTTL: Duration,
        at now: Date = Date()
    ) async throws {
        guard !tokens.isEmpty else { return }
        let expires = now.addingTimeInterval(Double(activationTTL.components.seconds))
        try await client.query(
            """
            UPDATE accounts a SET activation_token_hash = decode(t.hash, 'hex'), activation_expires_at = \(expires), updated_at = \(now)
              FROM unnest(\(tokens.map(\.accountID))::uuid[], \(tokens.map { $0.token.hash.hexString })::text[]) AS t(id, hash)
             WHERE a.id = t.id AND a.disabled_at IS NULL AND a.activated_at IS NULL
            """, logger: logger)
    }

    /// Records, in one transaction, that the credentials e-mails of `accountIDs` were sent at
    /// `date` (the first sending stays the one deadlines count from; a later one is a
    /// re-send), lease released, with one audit line each.
    public func markCredentialsSent(accountIDs: [UUID], at date: Date = Date()) async throws {
        guard !accountIDs.isEmpty else { return }
        try await client.withTransaction(logger: logger) { connection in
            var marked: [UUID] = []
            for try await id in try await connection.query(
                """
                UPDATE accounts
                   SET credentials_sent_at = \(date), updated_at = \(date), mail_failed_at = NULL, mail_failure = NULL,
                       credentials_lease_until = NULL,
                       first_credentials_sent_at = coalesce(first_credentials_sent_at, \(date)),
                       credentials_resends = credentials_resends + CASE WHEN first_credentials_sent_at IS NULL THEN 0 ELSE 1 END,
                       credentials_last_resent_at = CASE WHEN first_credentials_sent_at IS NULL THEN NULL ELSE \(date) END
                 WHERE id = ANY(\(accountIDs)::uuid[]) AND credentials_sent_at IS NULL
                RETURNING id
                """, logger: logger
            ).decode(UUID.self) { marked.append(id) }
            try await audit.appendMany(
                marked.map {
                    AuditEntry(
                        actor: .system("mail.credentials"), action: "account.credentials_sent", subjectType: "account",
                        subjectID: $0.uuidString, occurredAt: date)
                }, on: connection)
        }
    }

    /// Lets the claimed `accountID` go before its lease ends (its e-mail failed and waits).
    public func releaseCredentialsLease(accountIDs: [UUID]) async throws {
        guard !accountIDs.isEmpty else { return }
        try await client.query("UPDATE accounts SET credentials_lease_until = NULL WHERE id = ANY(\(accountIDs)::uuid[])", logger: logger)
    }
}

extension AccountRepository {
    /// The registration system corrects the e-mail of `candidacyID`'s person (a
    /// `candidacy.updated` event), on the caller's transaction: the candidate account takes the
    /// new address; when it is not activated yet its credentials become due again as a new
    /// issue, and the link already sent stops working at once. Returns whether a message is
    /// now due (false when the address did not change, there is no live account, or the
    /// person already activated it). The audit line names what changed, never the addresses.
    public func correctEmailFromRegistration(
        candidacyID: String, to email: String, by actor: AuditActor, at now: Date = Date(),
        on connection: PostgresConnection
    ) async throws -> Bool {
        var changed: (UUID, Bool)?
        for try await row in try await connection.query(
            """
            UPDATE accounts a
               SET email = \(email), mail_failed_at = NULL, mail_failure = NULL, updated_at = \(now), credentials_lease_until = NULL,
                   credentials_issue = a.credentials_issue + CASE WHEN a.activated_at IS NULL THEN 1 ELSE 0 END,
                   credentials_sent_at = CASE WHEN a.activated_at IS NULL THEN NULL ELSE a.credentials_sent_at END,
                   credentials_issued_at = CASE WHEN a.activated_at IS NULL THEN NULL ELSE a.credentials_issued_at END,
                   activation_token_hash = CASE WHEN a.activated_at IS NULL THEN NULL ELSE a.activation_token_hash END,
                   activation_expires_at = CASE WHEN a.activated_at IS NULL THEN NULL ELSE a.activation_expires_at END
             WHERE a.candidacy_id = \(candidacyID) AND a.disabled_at IS NULL AND lower(a.email) <> lower(\(email))
            RETURNING a.id, a.activated_at IS NULL
            """, logger: logger
        ).decode((UUID, Bool).self) { changed = row }
        guard let (id, due) = changed else { return false }
        try await audit.append(
            AuditEntry(
                actor: actor, action: "account.email_corrected", subjectType: "account", subjectID: id.uuidString,
                candidacyID: candidacyID,
                changes: ["campo": "correo", "origen": "sistema de registro", "credenciales_reenviadas": due ? "si" : "no"],
                occurredAt: now), on: connection)
        return due
    }
}

extension AccountRepository {
    /// The live generic accounts of `entities` whose credentials were never sent (their e-mail
    /// found no approved candidacy of the entity then), on the caller's connection.
    public func unsentRepresentativeAccounts(
        processID: String, entities: [PostulatingEntity],
        on connection: PostgresConnection
    ) async throws -> [UUID] {
        guard !entities.isEmpty else { return [] }
        var ids: [UUID] = []
        for try await id in try await connection.query(
            """
            SELECT a.id FROM accounts a
              JOIN unnest(\(entities.map(\.kind.rawValue))::text[], \(entities.map(\.code))::text[]) AS e(kind, code)
                ON a.entity_kind = e.kind AND a.entity_code = e.code
             WHERE a.role = 'representacion' AND a.process_id = \(processID) AND a.disabled_at IS NULL
               AND a.credentials_sent_at IS NULL
            """, logger: logger
        ).decode(UUID.self) { ids.append(id) }
        return ids
    }
}
