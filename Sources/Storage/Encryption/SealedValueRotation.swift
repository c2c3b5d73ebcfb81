import Foundation
import Logging
import PostgresNIO

/// Re-seals with the current key every sealed value that an older key sealed (identity
/// questionnaires in their table, consent documents in the blob store), so that the older key
/// can be retired: `conoceles keys rotate`.
///
/// Works page by page (`batchSize` rows, 500 by default), one transaction per page. A value is
/// opened with the key it names (the cipher must hold it, in `security.previous_keys`), sealed
/// with the current key and written back only if its row still holds the value read: a save
/// committed meanwhile (a candidate editing their answers) is never overwritten; such a row is
/// read again and retried, up to `maximumAttempts` times. A consent document's new blob is
/// written and flushed before its row names it, and the old blob is deleted only after that
/// commit. Values that do not open are reported (id and reason, never content) and left as they
/// are. Resumable: a second run finds only what the first could not do.
public struct SealedValueRotation: Sendable {
    /// A value that did not open: its id and why.
    public typealias Failure = SealedValueAudit.Failure

    /// What one kind of sealed value gave.
    public struct Tally: Sendable, Equatable {
        /// Values found sealed with an older key, by that key's id.
        public var byOldKey: [String: Int] = [:]
        /// Values re-sealed with the current key (in a dry run: that open and would be).
        public var resealed = 0
        /// Writes that found the row changed since it was read (left as the other writer left
        /// it; re-read and retried while it was still sealed with an older key).
        public var changedMeanwhile = 0
        /// Values still changing after every attempt, left for another run.
        public var skipped = 0
        /// Values that did not open (left as they are).
        public var failed = 0
        /// The first of them (at most the run's limit).
        public var failures: [Failure] = []

        /// Values found sealed with an older key.
        public var found: Int { byOldKey.values.reduce(0, +) }
    }

    /// The tallies of a run.
    public struct Report: Sendable, Equatable {
        /// The current key's id, the one every value was re-sealed with.
        public var keyID: String
        /// Whether the run only counted.
        public var dryRun: Bool
        public var identityQuestionnaires = Tally()
        public var consentDocuments = Tally()

        /// Whether every value found opened.
        public var allOpened: Bool { identityQuestionnaires.failed == 0 && consentDocuments.failed == 0 }
        /// Whether every value was already sealed with the current key.
        public var nothingToDo: Bool { identityQuestionnaires.found == 0 && consentDocuments.found == 0 }
    }

    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let blobs: FileBlobStore
    let logger: Logger
    /// Rows per page and transaction.
    public var batchSize = 500
    /// Writes of a value before it is left for another run, when others keep changing it.
    public var maximumAttempts = 3
    /// Called with the ids of a page after it is read and sealed, before it is written (tests
    /// change rows there to play a concurrent save).
    var beforeWrite: (@Sendable ([String]) async throws -> Void)?

    /// A rotation to `cipher`'s current key over `client` and `blobs`; `cipher` must hold the
    /// older keys (`SensitiveDataCipher(security:)` with `security.previous_keys`).
    public init(client: PostgresClient, cipher: SensitiveDataCipher, blobs: FileBlobStore, logger: Logger) {
        self.client = client
        self.cipher = cipher
        self.blobs = blobs
        self.logger = logger
    }

    private var rows: SealedValueRows { SealedValueRows(client: client, blobs: blobs, logger: logger) }

    /// How many values are sealed with an older key, of both kinds.
    public func pendingCount() async throws -> Int {
        let (identities, documents) = try await rows.countNotSealed(with: cipher.keyID)
        return identities + documents
    }

    /// Re-seals every value sealed with an older key; with `dryRun`, only opens and counts them
    /// (writes nothing). Lists at most `failureLimit` failures per kind; calls `progress` with
    /// the values done and the total after each page. Appends one audit line by `actor` with
    /// the counts (not on a dry run).
    public func run(
        dryRun: Bool = false, by actor: AuditActor, failureLimit: Int = 20,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> Report {
        var report = Report(keyID: cipher.keyID, dryRun: dryRun)
        let total = try await pendingCount()
        var done = 0
        let current = cipher.keyID
        let rows = self.rows
        try await pass(
            first: "", next: \.candidacyID, keyID: \.sealed.keyID, tally: &report.identityQuestionnaires, done: &done,
            total: total, progress: progress,
            page: { after in try await rows.identities(after: after, limit: batchSize, notSealedWith: current) },
            again: { ids in try await rows.identities(ids, notSealedWith: current) },
            reseal: { page, tally in try await reseal(page, dryRun: dryRun, into: &tally, failureLimit: failureLimit) })
        try await pass(
            first: SealedValueRows.firstDocument, next: \.id, keyID: \.keyID, tally: &report.consentDocuments, done: &done,
            total: total, progress: progress,
            page: { after in try await rows.documents(after: after, limit: batchSize, notSealedWith: current) },
            again: { ids in try await rows.documents(ids, notSealedWith: current) },
            reseal: { page, tally in try await reseal(page, dryRun: dryRun, into: &tally, failureLimit: failureLimit) })
        if !dryRun { try await AuditLog(client: client, logger: logger).append(auditEntry(report, by: actor)) }
        logger.notice(
            "sealed values rotated",
            metadata: [
                "key_id": "\(current)", "dry_run": "\(dryRun)",
                "identity_resealed": "\(report.identityQuestionnaires.resealed)",
                "consent_documents_resealed": "\(report.consentDocuments.resealed)",
                "failed": "\(report.identityQuestionnaires.failed + report.consentDocuments.failed)",
            ])
        return report
    }

    // MARK: Identity questionnaires

    /// Re-seals `identities`; returns the candidacy ids whose rows changed since they were read.
    /// One kind of sealed value, page by page after `first` (pages keyed by `next`): counts
    /// each page's values by old key, re-seals them, and reads again and retries those a
    /// concurrent save changed meanwhile, up to `maximumAttempts` times.
    private func pass<Row, ID>(
        first: ID, next: KeyPath<Row, ID>, keyID: KeyPath<Row, String>, tally: inout Tally, done: inout Int, total: Int,
        progress: (_ done: Int, _ total: Int) -> Void,
        page: (ID) async throws -> [Row], again: ([ID]) async throws -> [Row],
        reseal: ([Row], inout Tally) async throws -> [ID]
    ) async throws {
        var after = first
        while true {
            let rows = try await page(after)
            guard let last = rows.last else { return }
            after = last[keyPath: next]
            for row in rows { tally.byOldKey[row[keyPath: keyID], default: 0] += 1 }
            var pending = rows
            for attempt in 1...maximumAttempts {
                let lost = try await reseal(pending, &tally)
                guard !lost.isEmpty else { break }
                tally.changedMeanwhile += lost.count
                guard attempt < maximumAttempts else { tally.skipped += lost.count; break }
                pending = try await again(lost)
            }
            done += rows.count
            progress(done, max(total, done))
        }
    }

    private func reseal(_ identities: [SealedValueRows.Identity], dryRun: Bool, into tally: inout Tally, failureLimit: Int) async throws -> [String] {
        var ids: [String] = [], oldKeys: [String] = [], oldNonces: [ByteBuffer] = []
        var ciphertexts: [ByteBuffer] = [], nonces: [ByteBuffer] = []
        for identity in identities {
            let resealed: SealedValue
            do {
                let plaintext = try cipher.open(identity.sealed, context: identity.candidacyID)
                resealed = try cipher.seal(plaintext, context: identity.candidacyID)
            } catch {
                record(error, id: identity.candidacyID, in: &tally, limit: failureLimit)
                continue
            }
            ids.append(identity.candidacyID)
            oldKeys.append(identity.sealed.keyID)
            oldNonces.append(ByteBuffer(bytes: identity.sealed.nonce))
            ciphertexts.append(ByteBuffer(bytes: resealed.ciphertext))
            nonces.append(ByteBuffer(bytes: resealed.nonce))
        }
        guard !dryRun else {
            tally.resealed += ids.count
            return []
        }
        guard !ids.isEmpty else { return [] }
        try await beforeWrite?(ids)
        // No lock while reading and sealing. The WHERE re-checks each row under the UPDATE's
        // row lock: every seal draws a fresh random nonce, so the same key id and nonce mean the
        // value read; a save committed since (READ COMMITTED re-evaluates the WHERE on the newest
        // version) matches nothing and is left alone. Content unchanged: revision and
        // updated_at/by stay the candidate's.
        var updated = Set<String>()
        let result = try await client.query(
            """
            UPDATE identity_questionnaires q
               SET ciphertext = n.ciphertext, nonce = n.nonce, key_id = \(cipher.keyID)
              FROM unnest(\(ids)::text[], \(oldKeys)::text[], \(oldNonces)::bytea[], \(ciphertexts)::bytea[], \(nonces)::bytea[])
                   AS n(candidacy_id, old_key_id, old_nonce, ciphertext, nonce)
             WHERE q.candidacy_id = n.candidacy_id AND q.key_id = n.old_key_id AND q.nonce = n.old_nonce
            RETURNING q.candidacy_id
            """, logger: logger)
        for try await id in result.decode(String.self) { updated.insert(id) }
        tally.resealed += updated.count
        return ids.filter { !updated.contains($0) }
    }

    // MARK: Consent documents

    /// Re-seals `documents` into new blobs; returns the ids of those whose rows changed since
    /// they were read.
    private func reseal(_ documents: [SealedValueRows.Document], dryRun: Bool, into tally: inout Tally, failureLimit: Int) async throws -> [UUID] {
        var moves: [(document: SealedValueRows.Document, sha256: String)] = []
        for document in documents {
            let resealed: SealedValue
            do {
                let sealed = try await rows.sealed(document)
                let plaintext = try cipher.open(sealed, context: ConsentDocumentRepository.context)
                resealed = try cipher.seal(plaintext, context: ConsentDocumentRepository.context)
            } catch {
                record(error, id: document.id.uuidString.lowercased(), in: &tally, limit: failureLimit)
                continue
            }
            if dryRun {
                tally.resealed += 1
            } else {
                moves.append((document, try await blobs.putDurably(resealed.blob).sha256))
            }
        }
        guard !moves.isEmpty else { return [] }
        try await beforeWrite?(moves.map { $0.document.id.uuidString.lowercased() })
        // The row moves to the new blob only if it still names the blob read (a purge or another
        // rotation may have changed it); the consent records that name the old blob follow it in
        // the same statement, so no row is left naming a blob about to be deleted.
        var moved = Set<UUID>()
        let result = try await client.query(
            """
            WITH moved AS (
                UPDATE consent_documents d SET sha256 = n.new_sha256, key_id = \(cipher.keyID)
                  FROM unnest(\(moves.map(\.document.id))::uuid[], \(moves.map(\.document.sha256))::text[],
                              \(moves.map(\.document.keyID))::text[], \(moves.map(\.sha256))::text[])
                       AS n(id, old_sha256, old_key_id, new_sha256)
                 WHERE d.id = n.id AND d.sha256 = n.old_sha256 AND d.key_id = n.old_key_id
                RETURNING d.id, d.candidacy_id, n.old_sha256, n.new_sha256
            ), followed AS (
                UPDATE identity_consents c SET document_sha256 = m.new_sha256, document_key_id = \(cipher.keyID)
                  FROM moved m
                 WHERE c.candidacy_id = m.candidacy_id AND c.document_sha256 = m.old_sha256
                RETURNING c.id
            )
            SELECT id FROM moved
            """, logger: logger)
        for try await id in result.decode(UUID.self) { moved.insert(id) }
        tally.resealed += moved.count
        // Committed: the old blobs of the moved rows, and the new blobs no row took, go (each
        // only if no row names it).
        let unused = Set(moves.map { moved.contains($0.document.id) ? $0.document.sha256 : $0.sha256 })
        _ = try await SensitiveDataPurge(client: client, blobs: blobs, logger: logger).deleteUnreferenced(unused)
        return moves.map(\.document.id).filter { !moved.contains($0) }
    }

    // MARK: Report

    private func record(_ error: any Error, id: String, in tally: inout Tally, limit: Int) {
        tally.failed += 1
        if tally.failures.count < limit { tally.failures.append(Failure(id: id, reason: "\(error)")) }
    }

    /// The run's audit line: counts only.
    private func auditEntry(_ report: Report, by actor: AuditActor) -> AuditEntry {
        let (identity, documents) = (report.identityQuestionnaires, report.consentDocuments)
        return AuditEntry(
            actor: actor, action: "encryption_key.rotate", subjectType: "encryption_key", subjectID: report.keyID,
            changes: [
                "key_id": report.keyID,
                "old_key_ids": Set(identity.byOldKey.keys).union(documents.byOldKey.keys).sorted().joined(separator: ", "),
                "identity_resealed": String(identity.resealed), "consent_documents_resealed": String(documents.resealed),
                "failed": String(identity.failed + documents.failed), "skipped": String(identity.skipped + documents.skipped),
                "changed_meanwhile": String(identity.changedMeanwhile + documents.changedMeanwhile),
            ])
    }
}
