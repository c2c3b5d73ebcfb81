import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Both questionnaires of a candidacy and its consent records.
///
/// - The curricular questionnaire is stored as JSON and, at publication, copied to its
///   published version (see `ProfileWorkflowRepository`).
/// - The identity questionnaire is sealed with `SensitiveDataCipher` (AES-256-GCM, the
///   candidacy id as authenticated context) before it leaves the process: PostgreSQL only
///   ever sees ciphertext, nonce and key id.
/// - Consent decisions are appended, never overwritten; the latest one counts.
///
/// Saves are refused while the profile is not editable (`ProfileState.isEditable`) and,
/// for identity data, once blocked. Every write appends an audit line in the same
/// transaction that names what changed, never the sensitive content.
public struct QuestionnaireRepository: Sendable {
    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let logger: Logger
    let audit: AuditLog

    /// A repository over `client` that seals identity answers with `cipher`.
    public init(client: PostgresClient, cipher: SensitiveDataCipher, logger: Logger) {
        self.client = client
        self.cipher = cipher
        self.logger = logger
        self.audit = AuditLog(client: client, logger: logger)
    }

    // MARK: Curricular

    /// Saves the curricular answers of `candidacyID`; returns the new revision. The photo
    /// reference belongs to the photo check (`PhotoRepository`): a stored one is kept over
    /// whatever `answers` carries, because the form built `answers` on what it read before
    /// this transaction, and a photo accepted meanwhile (by a worker) must not be undone.
    /// With `expectedRevision` (0 for "never saved"), the save happens only if the stored
    /// revision is still that one (a bulk template row downloaded before another change).
    /// - Throws: `StorageError.notFound` for an unknown candidacy, `.conflict` when its
    ///   profile is not editable in its state, `.stale` when `expectedRevision` is not the
    ///   stored revision (nothing saved).
    @discardableResult
    public func saveCurricular(
        _ answers: CurricularQuestionnaire, for candidacyID: String, by actor: AuditActor, at now: Date = Date(),
        expectedRevision: Int? = nil
    ) async throws -> Int {
        let json = try JSONCoding.encodeString(answers)
        return try await client.transaction(logger: logger) { connection in
            try await requireEditable(candidacyID, on: connection)
            let previous = try await curricularJSON(candidacyID, on: connection)
            if let expectedRevision, expectedRevision > 0, previous == nil { throw Self.staleError }
            var revision = 0
            for try await value in try await connection.query(
                """
                INSERT INTO curricular_questionnaires (candidacy_id, answers, updated_at, updated_by)
                VALUES (\(candidacyID), \(json)::jsonb, \(now), \(actor.id))
                ON CONFLICT (candidacy_id) DO UPDATE
                   SET answers = CASE WHEN jsonb_typeof(curricular_questionnaires.answers->'photo') = 'object'
                                      THEN jsonb_set(EXCLUDED.answers, '{photo}', curricular_questionnaires.answers->'photo')
                                      ELSE EXCLUDED.answers END,
                       revision = curricular_questionnaires.revision + 1,
                       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
                 WHERE \(expectedRevision)::int IS NULL OR curricular_questionnaires.revision = \(expectedRevision)::int
                RETURNING revision
                """, logger: logger
            ).decode(Int.self) { revision = value }
            // The update's condition (compare and set under the row's lock) held back a stale save.
            guard revision > 0 else { throw Self.staleError }
            let changed = try Self.changedFields(from: previous, to: answers)
            try await audit.append(
                .candidacy(
                    candidacyID, "curricular.save", by: actor,
                    changes: [
                        "revision": String(revision), "fields": changed.joined(separator: ","),
                    ], at: now), on: connection)
            return revision
        }
    }

    /// The curricular questionnaire of `candidacyID`, or nil when never saved.
    public func curricular(for candidacyID: String) async throws -> StoredCurricular? {
        let rows = try await client.query(
            """
            SELECT answers::text, revision, updated_at, published_answers::text, published_at, updated_by
              FROM curricular_questionnaires WHERE candidacy_id = \(candidacyID)
            """, logger: logger)
        for try await (answers, revision, updatedAt, published, publishedAt, updatedBy)
            in rows.decode((String, Int, Date, String?, Date?, String).self)
        {
            return StoredCurricular(
                answers: try JSONCoding.decode(CurricularQuestionnaire.self, from: answers), revision: revision, updatedAt: updatedAt,
                updatedBy: updatedBy,
                published: try published.map { try JSONCoding.decode(CurricularQuestionnaire.self, from: $0) }, publishedAt: publishedAt)
        }
        return nil
    }

    // MARK: Identity (sensitive)

    /// Seals and saves the identity answers of `candidacyID` (normalized: follow-ups after
    /// anything but "Sí" become "No aplica"); returns the new revision.
    /// - Throws: `StorageError.blocked` once the candidacy is withdrawn, `.conflict` when
    ///   the profile is not editable, `SensitiveDataCipherError` when sealing fails.
    /// With `expectedRevision` (0 for "never saved"), the save happens only if the stored
    /// revision is still that one (the form was read before another save): `.stale` otherwise.
    @discardableResult
    public func saveIdentity(
        _ answers: IdentityQuestionnaire, for candidacyID: String, by actor: AuditActor, at now: Date = Date(),
        expectedRevision: Int? = nil
    ) async throws -> Int {
        let sealed = try cipher.seal(json: answers.normalized(), context: candidacyID)
        return try await client.transaction(logger: logger) { connection in
            try await requireEditable(candidacyID, on: connection)
            if let expectedRevision, expectedRevision > 0, try await identityRevision(candidacyID, on: connection) == nil {
                throw Self.staleSaveError
            }
            var revision = 0
            // The WHERE of DO UPDATE refuses to overwrite blocked data: no row comes back.
            for try await value in try await connection.query(
                """
                INSERT INTO identity_questionnaires (candidacy_id, ciphertext, nonce, key_id, updated_at, updated_by)
                VALUES (\(candidacyID), \(sealed.ciphertext), \(sealed.nonce), \(sealed.keyID), \(now), \(actor.id))
                ON CONFLICT (candidacy_id) DO UPDATE
                   SET ciphertext = EXCLUDED.ciphertext, nonce = EXCLUDED.nonce, key_id = EXCLUDED.key_id,
                       revision = identity_questionnaires.revision + 1, updated_at = EXCLUDED.updated_at,
                       updated_by = EXCLUDED.updated_by
                 WHERE identity_questionnaires.blocked_at IS NULL
                   AND (\(expectedRevision)::int IS NULL OR identity_questionnaires.revision = \(expectedRevision)::int)
                RETURNING revision
                """, logger: logger
            ).decode(Int.self) { revision = value }
            // No row back: blocked, or (compare and set under the row's lock) another save came first.
            if revision == 0, expectedRevision != nil,
                let current = try await identityRevision(candidacyID, on: connection), current.revision != expectedRevision
            {
                throw Self.staleSaveError
            }
            guard revision > 0 else { throw Self.blockedError }
            try await audit.append(
                .candidacy(
                    candidacyID, "identity.save", by: actor,
                    changes: [
                        "revision": String(revision), "key_id": sealed.keyID,
                    ], at: now), on: connection)
            return revision
        }
    }

    /// Who saved a questionnaire last, when, and its revision.
    public struct SavedRevision: Sendable, Hashable {
        public init(revision: Int, updatedAt: Date, updatedBy: String) {
            self.revision = revision
            self.updatedAt = updatedAt
            self.updatedBy = updatedBy
        }
        public let revision: Int
        public let updatedAt: Date
        /// The audit actor's id (an account's UUID, or a system name).
        public let updatedBy: String
    }

    func identityRevision(_ candidacyID: String, on connection: PostgresConnection) async throws -> SavedRevision? {
        let rows = try await connection.query(
            """
            SELECT revision, updated_at, updated_by FROM identity_questionnaires WHERE candidacy_id = \(candidacyID)
            """, logger: logger)
        for try await (revision, at, by) in rows.decode((Int, Date, String).self) {
            return SavedRevision(revision: revision, updatedAt: at, updatedBy: by)
        }
        return nil
    }

    /// The identity answers of `candidacyID`, decrypted, or nil when never saved. For the
    /// statistics and profile builders and authorized staff only.
    /// - Throws: `StorageError.blocked` once the candidacy is withdrawn;
    ///   `SensitiveDataCipherError` when the key is unknown or wrong.
    public func identity(for candidacyID: String) async throws -> IdentityQuestionnaire? {
        guard let (sealed, blocked) = try await sealedIdentity(for: candidacyID) else { return nil }
        guard !blocked else { throw Self.blockedError }
        return try cipher.open(IdentityQuestionnaire.self, from: sealed, context: candidacyID)
    }

    /// The stored ciphertext of `candidacyID` and whether it is blocked, without opening it.
    public func sealedIdentity(for candidacyID: String) async throws -> (SealedValue, blocked: Bool)? {
        let rows = try await client.query(
            """
            SELECT ciphertext, nonce, key_id, blocked_at IS NOT NULL FROM identity_questionnaires WHERE candidacy_id = \(candidacyID)
            """, logger: logger)
        for try await (ciphertext, nonce, keyID, blocked) in rows.decode((Data, Data, String, Bool).self) {
            return (SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: keyID), blocked)
        }
        return nil
    }

    /// Deletes the identity answers and consent documents' references of `candidacyID`
    /// (retention reached); the audit line says what was deleted and when, never what it
    /// said. Returns whether there was anything to delete.
    @discardableResult
    public func purgeIdentity(for candidacyID: String, by actor: AuditActor, at now: Date = Date()) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            let deleted = try await Self.deleteIdentity(of: candidacyID, on: connection, logger: logger)
            guard !deleted.isEmpty else { return false }
            try await audit.append(
                .candidacy(
                    candidacyID, "identity.purge", by: actor,
                    changes: [
                        "deleted": "cuestionario de identidad", "revision": deleted.revision.map(String.init) ?? "ninguna",
                        "consent_documents": String(deleted.documentHashes.count),
                    ], at: now), on: connection)
            return true
        }
    }

    /// The deletes behind `purgeIdentity`, on the caller's connection and without an audit
    /// line (the caller writes its own): the identity row, and the consent records' document
    /// references (the consent decisions themselves stay) unless `clearingDocuments` is false
    /// (their own retention keeps them). Shared with `SensitiveDataPurge`.
    static func deleteIdentity(
        of candidacyID: String, clearingDocuments: Bool = true, on connection: PostgresConnection, logger: Logger
    ) async throws -> DeletedIdentity {
        var deleted = DeletedIdentity()
        for try await value in try await connection.query(
            "DELETE FROM identity_questionnaires WHERE candidacy_id = \(candidacyID) RETURNING revision", logger: logger
        ).decode(Int.self) { deleted.revision = value }
        guard clearingDocuments else { return deleted }
        // The old hashes come from the locked rows of `old` (UPDATE … RETURNING only sees the
        // new, cleared values), so the caller can delete blobs no row references any more.
        for try await hash in try await connection.query(
            """
            UPDATE identity_consents c SET document_sha256 = NULL, document_key_id = NULL
              FROM (SELECT id, document_sha256 FROM identity_consents
                     WHERE candidacy_id = \(candidacyID) AND document_sha256 IS NOT NULL FOR UPDATE) old
             WHERE c.id = old.id
            RETURNING old.document_sha256
            """, logger: logger
        ).decode(String.self) { deleted.documentHashes.append(hash) }
        return deleted
    }

    /// What `deleteIdentity` removed.
    struct DeletedIdentity: Sendable {
        /// Revision of the deleted identity row; nil when there was none.
        var revision: Int?
        /// Blob hashes of the cleared consent-document references (one per consent record).
        var documentHashes: [String] = []

        var isEmpty: Bool { revision == nil && documentHashes.isEmpty }
    }

    // MARK: Consent

    /// Records a decision on publishing the identity answers of `candidacyID`: `granted`
    /// true to give consent, false to revoke it; returns the consent now in force. A
    /// decision taken from a signed express-consent form carries its `document`.
    /// `alongside`, when given, runs on the decision's transaction after it is written (the
    /// caller's public-profile refresh, so a change and its refresh commit together); it
    /// does not run when nothing was recorded (revoking what was never given).
    @discardableResult
    public func recordConsent(
        granted: Bool, for candidacyID: String, document: ConsentDocument? = nil, by actor: AuditActor, at now: Date = Date(),
        alongside: (@Sendable (PostgresConnection) async throws -> Void)? = nil
    ) async throws -> IdentityConsent {
        try await client.transaction(logger: logger) { connection in
            try await recordConsent(
                granted: granted, for: candidacyID, document: document, by: actor, at: now, on: connection,
                alongside: alongside)
        }
    }

    /// `recordConsent` on the caller's transaction (a consent document's review records its
    /// decision with it).
    func recordConsent(
        granted: Bool, for candidacyID: String, document: ConsentDocument?, by actor: AuditActor, at now: Date,
        on connection: PostgresConnection, alongside: (@Sendable (PostgresConnection) async throws -> Void)?
    ) async throws -> IdentityConsent {
        let current = try await consentInForce(for: candidacyID, on: connection).consent
        let next = granted ? current.granting(at: now) : current.revoking(at: now)
        guard next != current || granted else { return current }  // revoking what was never given
        try await connection.query(
            """
            INSERT INTO identity_consents (candidacy_id, decision, decided_at, decided_by, document_sha256, document_key_id, signed_form)
            VALUES (\(candidacyID), \(granted ? "granted" : "revoked"), \(now), \(actor.id), \(document?.sha256), \(document?.keyID),
                    \(document != nil))
            """, logger: logger)
        try await audit.append(
            .candidacy(
                candidacyID, granted ? "consent.grant" : "consent.revoke", by: actor,
                changes: ["document": document == nil ? "no" : "sí"], at: now), on: connection)
        try await alongside?(connection)
        return next
    }

    /// The consent in force for `candidacyID` (the latest decision).
    public func consent(for candidacyID: String) async throws -> IdentityConsent {
        try await consentInForce(for: candidacyID).consent
    }

    /// The consent in force for `candidacyID` and whether it was recorded from a signed
    /// express-consent form received by staff (what an independent candidacy's needs).
    public func consentInForce(for candidacyID: String) async throws -> (consent: IdentityConsent, signedForm: Bool) {
        try await client.withConnection { connection in try await consentInForce(for: candidacyID, on: connection) }
    }

    func consentInForce(for candidacyID: String, on connection: PostgresConnection) async throws -> (consent: IdentityConsent, signedForm: Bool) {
        let rows = try await connection.query(
            """
            SELECT decision, decided_at, signed_form FROM identity_consents WHERE candidacy_id = \(candidacyID)
             ORDER BY decided_at DESC, id DESC LIMIT 1
            """, logger: logger)
        for try await (decision, at, signedForm) in rows.decode((String, Date, Bool).self) {
            return (decision == "granted" ? .granted(at: at) : .revoked(at: at), signedForm)
        }
        return (.notGiven, false)
    }

    /// Records that the privacy notice `version` was accepted for `candidacyID` (required
    /// before any capture); accepting it again changes nothing.
    public func acceptPrivacyNotice(version: String, for candidacyID: String, by actor: AuditActor, at now: Date = Date()) async throws {
        try await client.transaction(logger: logger) { connection in
            var inserted = false
            for try await _ in try await connection.query(
                """
                INSERT INTO privacy_notice_acceptances (candidacy_id, notice_version, accepted_by, accepted_at)
                VALUES (\(candidacyID), \(version), \(actor.id), \(now)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger
            ).decode(Int.self) { inserted = true }
            if inserted {
                try await audit.append(
                    .candidacy(
                        candidacyID, "privacy_notice.accept", by: actor,
                        changes: ["version": version], at: now), on: connection)
            }
        }
    }

    /// Which of `candidacyIDs` have accepted the privacy notice `version` (a bulk upload's rows).
    public func acceptedPrivacyNotice(version: String, for candidacyIDs: [String]) async throws -> Set<String> {
        guard !candidacyIDs.isEmpty else { return [] }
        let rows = try await client.query(
            """
            SELECT candidacy_id FROM privacy_notice_acceptances
             WHERE candidacy_id = ANY(\(candidacyIDs)::text[]) AND notice_version = \(version)
            """, logger: logger)
        var accepted = Set<String>()
        for try await id in rows.decode(String.self) { accepted.insert(id) }
        return accepted
    }

    /// Whether the privacy notice `version` was accepted for `candidacyID`.
    public func hasAcceptedPrivacyNotice(version: String, for candidacyID: String) async throws -> Bool {
        let rows = try await client.query(
            """
            SELECT 1 FROM privacy_notice_acceptances WHERE candidacy_id = \(candidacyID) AND notice_version = \(version)
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    // MARK: Helpers

    static let blockedError = StorageError(
        .blocked,
        "Los datos sensibles de esta candidatura están bloqueados porque fue sustituida o cancelada.")

    /// Locks the profile's workflow row and its candidacy (shared) so that no transition or
    /// withdrawal slips between this check and the save, and refuses when the candidacy is
    /// withdrawn (no row of a substituted or cancelled candidacy is written, not even a first
    /// one) or its state is not editable.
    /// A save based on a revision that is no longer the stored one.
    static let staleError = StorageError(
        .stale,
        "La información de esta candidatura cambió después de que se descargó la plantilla; "
            + "no se sobrescribió. Descargue la plantilla de nuevo y capture sobre ella.")

    /// A form's save based on a revision that is no longer the stored one.
    static let staleSaveError = StorageError(
        .stale,
        "Otra persona guardó este cuestionario después de que usted abrió el formulario; "
            + "no se sobrescribió.")

    private func requireEditable(_ candidacyID: String, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT w.state, c.status FROM profile_workflows w JOIN candidacies c ON c.id = w.candidacy_id
             WHERE w.candidacy_id = \(candidacyID) FOR SHARE
            """, logger: logger)
        var found: (state: ProfileState?, status: String)?
        for try await (raw, status) in rows.decode((String, String).self) { found = (ProfileState(rawValue: raw), status) }
        guard let found, let state = found.state else { throw StorageError(.notFound, "La candidatura \(candidacyID) no existe.") }
        guard found.status == CandidacyStatus.approved.rawValue else {
            throw StorageError(.conflict, "La candidatura fue sustituida o cancelada: su información ya no admite cambios.")
        }
        guard state.isEditable else {
            throw StorageError(.conflict, "El perfil está en estado «\(state.label)» y no admite cambios.")
        }
    }

    private func curricularJSON(_ candidacyID: String, on connection: PostgresConnection) async throws -> String? {
        let rows = try await connection.query(
            "SELECT answers::text FROM curricular_questionnaires WHERE candidacy_id = \(candidacyID)", logger: logger)
        for try await text in rows.decode(String.self) { return text }
        return nil
    }

    /// Top-level fields whose JSON differs between `previous` and `answers` (all on first save).
    static func changedFields(from previous: String?, to answers: CurricularQuestionnaire) throws -> [String] {
        let new = try JSONSerialization.jsonObject(with: JSONCoding.encode(answers)) as? [String: Any] ?? [:]
        let old = try previous.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] } ?? [:]
        func canonical(_ value: Any?) -> Data? {
            value.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed]) }
        }
        return Set(new.keys).union(old.keys).sorted().filter { canonical(new[$0]) != canonical(old[$0]) }
    }
}
