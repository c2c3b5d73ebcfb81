import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Accounts: creation with an activation token (only its hash is stored), activation with
/// a bcrypt password hash computed by the caller, credential e-mail bookkeeping, disabling.
/// Every change appends an audit line in the same transaction.
public struct AccountRepository: Sendable {
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
        id, username, email, display_name, role, process_id, candidacy_id, entity_kind, entity_code,
        activation_expires_at, activated_at, credentials_sent_at, disabled_at, created_at
        """

    /// The same columns qualified by the table alias `alias` (for joins; a constant, never input).
    static func prefixedColumns(_ alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }.joined(separator: ", ")
    }

    /// Creates one account and returns it with its activation token (valid for
    /// `activationTTL`), which the caller e-mails and never stores.
    /// - Throws: `StorageError.conflict` when the username is taken or the candidacy or
    ///   entity already has its account.
    public func create(_ account: NewAccount, activationTTL: Duration, by actor: AuditActor, at now: Date = Date()) async throws -> (Account, ActivationToken) {
        let (ids, tokens) = try await client.transaction(logger: logger) { connection in
            try await createMany([account], activationTTL: activationTTL, by: actor, at: now, on: connection)
        }
        guard let created = try await self.account(id: ids[0]) else { throw StorageError(.notFound, "La cuenta no existe.") }
        return (created, tokens[0])
    }

    /// Creates `accounts` in one statement on the caller's connection (inside its
    /// transaction); returns their ids and activation tokens, in order.
    public func createMany(
        _ accounts: [NewAccount], activationTTL: Duration, by actor: AuditActor, at now: Date = Date(),
        on connection: PostgresConnection
    ) async throws -> ([UUID], [ActivationToken]) {
        guard !accounts.isEmpty else { return ([], []) }
        let tokens = accounts.map { _ in ActivationToken.generate() }
        let expires = now.addingTimeInterval(Double(activationTTL.components.seconds))
        let hashes = tokens.map { $0.hash.hexString }
        let insert: PostgresQuery = """
            INSERT INTO accounts (id, username, email, display_name, role, process_id, candidacy_id, entity_kind, entity_code,
                                  activation_token_hash, activation_expires_at, created_at, updated_at)
            SELECT coalesce(nullif(id, '')::uuid, gen_random_uuid()), username, email, display_name, role, nullif(process_id, ''), nullif(candidacy_id, ''),
                   nullif(entity_kind, ''), nullif(entity_code, ''), decode(token_hash, 'hex'), \(expires), \(now), \(now)
              FROM unnest(\(accounts.map { $0.id?.uuidString ?? "" })::text[], \(accounts.map(\.username))::text[], \(accounts.map(\.email))::text[],
                          \(accounts.map(\.displayName))::text[], \(accounts.map(\.role.rawValue))::text[],
                          \(accounts.map { $0.processID ?? "" })::text[], \(accounts.map { $0.candidacyID ?? "" })::text[],
                          \(accounts.map { $0.entity?.kind.rawValue ?? "" })::text[], \(accounts.map { $0.entity?.code ?? "" })::text[],
                          \(hashes)::text[])
                   WITH ORDINALITY AS t(id, username, email, display_name, role, process_id, candidacy_id, entity_kind, entity_code, token_hash, ord)
             ORDER BY ord
            RETURNING id
            """
        var ids: [UUID] = []
        do {
            for try await id in try await connection.query(insert, logger: logger).decode(UUID.self) { ids.append(id) }
        } catch {
            throw Self.conflictIfUnique(error)
        }
        try await audit.appendMany(
            zip(ids, accounts).map { id, account in
                AuditEntry(
                    actor: actor, action: "account.create", subjectType: "account", subjectID: id.uuidString,
                    candidacyID: account.candidacyID, changes: ["role": account.role.rawValue, "username": account.username],
                    occurredAt: now)
            }, on: connection)
        return (ids, tokens)
    }

    /// The account with this id, or nil.
    public func account(id: UUID) async throws -> Account? {
        try await first("SELECT \(unescaped: Self.columns) FROM accounts WHERE id = \(id)")
    }

    /// The account with this username (case-insensitive), or nil.
    public func account(username: String) async throws -> Account? {
        try await first("SELECT \(unescaped: Self.columns) FROM accounts WHERE username = \(username.lowercased())")
    }

    /// The usable (activated, not disabled) accounts with this e-mail address (case-insensitive).
    public func usableAccounts(email: String) async throws -> [Account] {
        var found: [Account] = []
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM accounts
             WHERE lower(email) = \(email.lowercased()) AND activated_at IS NOT NULL AND disabled_at IS NULL
             ORDER BY username LIMIT 20
            """, logger: logger)
        for try await row in rows { found.append(try Self.decode(row)) }
        return found
    }

    /// The candidate account of `candidacyID`, or nil.
    public func account(candidacyID: String) async throws -> Account? {
        try await first("SELECT \(unescaped: Self.columns) FROM accounts WHERE candidacy_id = \(candidacyID)")
    }

    /// The usable account and its bcrypt hash for a login attempt, or nil when there is no
    /// such account, it is not activated or it is disabled.
    public func credentials(username: String) async throws -> (Account, String)? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns), password_hash FROM accounts
             WHERE username = \(username.lowercased()) AND activated_at IS NOT NULL AND disabled_at IS NULL
            """, logger: logger)
        for try await row in rows {
            let account = try Self.decode(row)
            return (account, try row.makeRandomAccess()["password_hash"].decode(String.self))
        }
        return nil
    }

    /// Activates the account whose pending, unexpired token is `token`: stores the bcrypt
    /// `passwordHash` and forgets the token.
    /// - Throws: `StorageError.notFound` when the link is unknown, used or expired.
    public func activate(token: ActivationToken, passwordHash: String, at now: Date = Date()) async throws -> Account {
        let id = try await client.transaction(logger: logger) { connection -> UUID in
            let rows = try await connection.query(
                """
                UPDATE accounts
                   SET password_hash = \(passwordHash), activated_at = \(now), updated_at = \(now),
                       activation_token_hash = NULL, activation_expires_at = NULL
                 WHERE activation_token_hash = \(token.hash) AND activation_expires_at > \(now) AND disabled_at IS NULL
                RETURNING id
                """, logger: logger)
            var found: UUID?
            for try await id in rows.decode(UUID.self) { found = id }
            guard let found else {
                throw StorageError(.notFound, "El enlace de activación no es válido o ya venció. Solicite uno nuevo.")
            }
            try await audit.append(
                AuditEntry(
                    actor: AuditActor(storedRole: try await role(of: found, on: connection), id: found.uuidString),
                    action: "account.activate", subjectType: "account", subjectID: found.uuidString, occurredAt: now), on: connection)
            return found
        }
        guard let account = try await account(id: id) else { throw StorageError(.notFound, "La cuenta no existe.") }
        return account
    }

    /// Replaces the pending activation token of `accountID` with a new one.
    public func reissueActivation(accountID: UUID, activationTTL: Duration, by actor: AuditActor, at now: Date = Date()) async throws -> ActivationToken {
        let token = ActivationToken.generate()
        let expires = now.addingTimeInterval(Double(activationTTL.components.seconds))
        try await update(
            accountID, action: "account.reissue_activation", by: actor, at: now,
            """
            UPDATE accounts SET activation_token_hash = \(token.hash), activation_expires_at = \(expires), updated_at = \(now)
             WHERE id = \(accountID) AND disabled_at IS NULL RETURNING id
            """)
        return token
    }

    /// Records that a message to `accountID` was refused for its address, with the server's
    /// reply (shown to staff); a later successful sending clears it.
    public func markMailFailed(accountID: UUID, reply: String, at date: Date = Date()) async throws {
        try await update(
            accountID, action: "account.mail_failed", by: .system("mail"), at: date,
            """
            UPDATE accounts SET mail_failed_at = \(date), mail_failure = \(String(reply.prefix(500))), updated_at = \(date)
             WHERE id = \(accountID) RETURNING id
            """)
    }

    /// Records that the credentials e-mail of `accountID` was sent at `date`: the first
    /// sending stays the one deadlines are measured from; a later one counts as a resend.
    public func markCredentialsSent(accountID: UUID, at date: Date = Date()) async throws {
        try await update(
            accountID, action: "account.credentials_sent", by: .system("mail.credentials"), at: date,
            """
            UPDATE accounts
               SET credentials_sent_at = \(date), updated_at = \(date), mail_failed_at = NULL, mail_failure = NULL,
                   first_credentials_sent_at = coalesce(first_credentials_sent_at, \(date)),
                   credentials_resends = credentials_resends + CASE WHEN first_credentials_sent_at IS NULL THEN 0 ELSE 1 END,
                   credentials_last_resent_at = CASE WHEN first_credentials_sent_at IS NULL THEN NULL ELSE \(date) END
             WHERE id = \(accountID) RETURNING id
            """)
    }

    /// Disables `accountID` (no login, no pending activation).
    public func disable(accountID: UUID, by actor: AuditActor, at now: Date = Date()) async throws {
        try await update(
            accountID, action: "account.disable", by: actor, at: now,
            """
            UPDATE accounts SET disabled_at = coalesce(disabled_at, \(now)), activation_token_hash = NULL,
                                activation_expires_at = NULL, updated_at = \(now)
             WHERE id = \(accountID) RETURNING id
            """)
    }

    func update(_ id: UUID, action: String, by actor: AuditActor, at now: Date, _ query: PostgresQuery) async throws {
        try await client.transaction(logger: logger) { connection in
            var changed = false
            for try await _ in try await connection.query(query, logger: logger).decode(UUID.self) { changed = true }
            guard changed else { throw StorageError(.notFound, "La cuenta no existe o está deshabilitada.") }
            try await audit.append(
                AuditEntry(
                    actor: actor, action: action, subjectType: "account",
                    subjectID: id.uuidString, occurredAt: now), on: connection)
        }
    }

    private func role(of id: UUID, on connection: PostgresConnection) async throws -> String {
        for try await role in try await connection.query("SELECT role FROM accounts WHERE id = \(id)", logger: logger).decode(String.self) {
            return role
        }
        throw StorageError(.notFound, "La cuenta no existe.")
    }

    func first(_ query: PostgresQuery) async throws -> Account? {
        for try await row in try await client.query(query, logger: logger) { return try Self.decode(row) }
        return nil
    }

    static func decode(_ row: PostgresRow) throws -> Account {
        let r = row.makeRandomAccess()
        guard let role = AccountRole(rawValue: try r["role"].decode(String.self)) else {
            throw StorageError(.invalidStoredData, "Rol de cuenta desconocido.")
        }
        let kind = try r["entity_kind"].decode(String?.self).flatMap(PostulatingEntity.Kind.init(rawValue:))
        let code = try r["entity_code"].decode(String?.self)
        return Account(
            id: try r["id"].decode(UUID.self), username: try r["username"].decode(String.self),
            email: try r["email"].decode(String.self), displayName: try r["display_name"].decode(String.self),
            role: role, processID: try r["process_id"].decode(String?.self), candidacyID: try r["candidacy_id"].decode(String?.self),
            entity: kind.flatMap { kind in code.map { PostulatingEntity(kind: kind, code: $0) } },
            activationExpiresAt: try r["activation_expires_at"].decode(Date?.self), activatedAt: try r["activated_at"].decode(Date?.self),
            credentialsSentAt: try r["credentials_sent_at"].decode(Date?.self), disabledAt: try r["disabled_at"].decode(Date?.self),
            createdAt: try r["created_at"].decode(Date.self))
    }

    /// A unique violation (23505) becomes a `StorageError.conflict`; anything else passes.
    static func conflictIfUnique(_ error: any Error) -> any Error {
        guard PostgresErrorText.sqlState(error) == "23505" else { return error }
        return StorageError(.conflict, "Ya existe una cuenta con ese nombre de usuario, o para esa candidatura o representación.")
    }
}
