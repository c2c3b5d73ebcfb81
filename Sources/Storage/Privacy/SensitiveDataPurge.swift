import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Deletes the sensitive data of candidacies once they are due (`privacy.purge`):
/// the identity questionnaire, the signed consent documents (rows, references and files)
/// and the photos (rows, variants and files).
///
/// Blocking comes first and lives elsewhere: a withdrawal (`CandidacyRepository.withdraw`)
/// blocks the identity answers at once; this type deletes them later, when
/// - the candidacy was substituted or cancelled at least `retentionDays` ago
///   (`retention.sensitive_data_days`), or
/// - the process is over for everyone: from 00:00, in the process's time zone, of the day
///   `everyoneAfterDays` after election day (`retention.everyone_days_after_election`, 150
///   by default: the final report is due within four months of election day).
///
/// Signed consent documents (the independents' express-consent forms) have a retention of
/// their own: they go with a due candidacy's data only once `consentDocumentsAfterDays`
/// days after election day have passed (`retention.consent_documents_days`); without it
/// they are kept (the institute keeps them on file), with the consent records' references.
///
/// Photos: only unpublished photos are sensitive. A withdrawn candidacy loses every photo
/// (none of them is published any more). At the end of the process an approved candidacy
/// keeps the one photo its published profile shows (the row whose hash the published
/// curricular answers name, with its variants and files) and loses every other upload
/// (rejected, replaced, never published). Curricular answers and the consent decisions
/// themselves (not their documents) are not sensitive and stay.
///
/// Each candidacy is purged in one transaction with one `privacy.purge` audit line that
/// names the kinds and counts of what went, never content. Files are removed after the
/// commit, and only those no remaining row references (the blob store is content-addressed:
/// one file may back several rows, across candidacies). Purging again finds nothing and
/// writes nothing.
public struct SensitiveDataPurge: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    let logger: Logger
    let audit: AuditLog
    /// Runs in each candidacy's purge transaction when identity answers went: the caller
    /// asks for a publication rebuild there, so the public snapshot (which shows consenting
    /// people's answers) drops them in the same commit that deleted their source.
    let identityPurged: (@Sendable (PostgresConnection) async throws -> Void)?

    /// A purge over `client` that deletes files from `blobs` (`paths.blobs`); see
    /// `identityPurged`.
    public init(
        client: PostgresClient, blobs: any BlobStore, logger: Logger,
        identityPurged: (@Sendable (PostgresConnection) async throws -> Void)? = nil
    ) {
        self.client = client
        self.blobs = blobs
        self.logger = logger
        self.audit = AuditLog(client: client, logger: logger)
        self.identityPurged = identityPurged
    }

    /// The moment the process is over for everyone's sensitive data: 00:00 in `timeZone` (an
    /// IANA name, the process's) of the day `everyoneAfterDays` after `electionDay`.
    public func processEnd(electionDay: LocalDate, timeZone: String, everyoneAfterDays: Int) async throws -> Date {
        // PostgreSQL's time-zone database does the local-midnight arithmetic (as
        // `AccountDeadlines` does), so the rule does not depend on the host's tzdata.
        let rows = try await client.query(
            """
            SELECT ((\(electionDay.description)::date + \(everyoneAfterDays)::int)::timestamp AT TIME ZONE \(timeZone))
            """, logger: logger)
        for try await end in rows.decode(Date.self) { return end }
        throw StorageError(.invalidStoredData, "No se pudo calcular el fin del proceso.")
    }

    /// Candidacies of `processID` that still hold sensitive data and are due at `now`, in
    /// id order, at most `limit` (default 500) after the id `after` (keyset paging: pass
    /// the last id of the previous batch).
    ///
    /// - Parameters:
    ///   - retentionDays: days a substituted or cancelled candidacy's data are kept.
    ///   - everyoneAfterDays: days after election day when everyone's data go.
    ///   - consentDocumentsAfterDays: days after election day when signed consent documents
    ///     go too; nil keeps them.
    /// - Returns: one item per candidacy; a withdrawn candidacy past its retention has reason
    ///   `.withdrawn` even after the end of the process.
    public func due(
        processID: String, electionDay: LocalDate, timeZone: String, retentionDays: Int, everyoneAfterDays: Int,
        consentDocumentsAfterDays: Int? = nil, now: Date = Date(), after: String? = nil, limit: Int = 500
    ) async throws -> [PurgeItem] {
        let ended = try await processEnd(electionDay: electionDay, timeZone: timeZone, everyoneAfterDays: everyoneAfterDays) <= now
        var documentsDue = false
        if let consentDocumentsAfterDays {
            documentsDue = try await processEnd(electionDay: electionDay, timeZone: timeZone, everyoneAfterDays: consentDocumentsAfterDays) <= now
        }
        let withdrawnBefore = now.addingTimeInterval(-Double(retentionDays) * 86_400)
        // Read only, no locks: `purge` locks each candidacy and deletes what it finds then.
        // Counts are grouped per table (one pass each) rather than looked up per candidacy:
        // `photos` has no index on candidacy_id alone.
        let rows = try await client.query(
            """
            WITH candidates AS (
                SELECT id, (status <> 'aprobada' AND status_changed_at <= \(withdrawnBefore)) AS withdrawn,
                       status = 'aprobada' AS active
                  FROM candidacies
                 WHERE process_id = \(processID) AND id > coalesce(\(after)::text, '')
                   AND (\(ended) OR (status <> 'aprobada' AND status_changed_at <= \(withdrawnBefore)))
            ), documents AS (
                SELECT candidacy_id, count(*) AS n FROM (
                    SELECT candidacy_id FROM consent_documents WHERE candidacy_id IN (SELECT id FROM candidates)
                    UNION ALL
                    SELECT candidacy_id FROM identity_consents
                     WHERE document_sha256 IS NOT NULL AND candidacy_id IN (SELECT id FROM candidates)
                ) d WHERE \(documentsDue) GROUP BY candidacy_id
            ), pictures AS (
                -- Every photo but the published one of an active candidacy.
                SELECT p.candidacy_id, count(*) AS n
                  FROM photos p JOIN candidates c ON c.id = p.candidacy_id
                  LEFT JOIN curricular_questionnaires q ON q.candidacy_id = p.candidacy_id
                 WHERE NOT c.active OR p.sha256 IS DISTINCT FROM q.published_answers->'photo'->>'sha256'
                 GROUP BY p.candidacy_id
            ), originals AS (
                -- The published photo's original upload (EXIF and all), once a re-encoded
                -- variant is what the portal shows.
                SELECT p.candidacy_id, count(*) AS n
                  FROM photos p JOIN candidates c ON c.id = p.candidacy_id AND c.active
                  JOIN curricular_questionnaires q ON q.candidacy_id = p.candidacy_id
                 WHERE p.sha256 = q.published_answers->'photo'->>'sha256' AND p.original_purged_at IS NULL
                   AND EXISTS (SELECT 1 FROM photo_variants v WHERE v.photo_id = p.id AND v.variant = 'published' AND v.sha256 <> p.sha256)
                 GROUP BY p.candidacy_id
            ), bodies AS (
                -- What the registration system sent about a withdrawn candidacy.
                SELECT e.candidacy_id, count(*) AS n
                  FROM registration_events e JOIN candidates c ON c.id = e.candidacy_id AND c.withdrawn
                 WHERE e.status IN ('applied', 'rejected') AND e.body_purged_at IS NULL
                 GROUP BY e.candidacy_id
            )
            SELECT c.id, c.withdrawn, i.candidacy_id IS NOT NULL, coalesce(d.n, 0)::int8, coalesce(p.n, 0)::int8,
                   coalesce(o.n, 0)::int8, coalesce(b.n, 0)::int8
              FROM candidates c
              LEFT JOIN identity_questionnaires i ON i.candidacy_id = c.id
              LEFT JOIN documents d ON d.candidacy_id = c.id
              LEFT JOIN pictures p ON p.candidacy_id = c.id
              LEFT JOIN originals o ON o.candidacy_id = c.id
              LEFT JOIN bodies b ON b.candidacy_id = c.id
             WHERE i.candidacy_id IS NOT NULL OR d.n > 0 OR p.n > 0 OR o.n > 0 OR b.n > 0
             ORDER BY c.id
             LIMIT \(limit)
            """, logger: logger)
        var items: [PurgeItem] = []
        for try await (id, withdrawn, identity, documents, photos, originals, bodies)
            in rows.decode((String, Bool, Bool, Int, Int, Int, Int).self)
        {
            items.append(
                PurgeItem(
                    candidacyID: id, reason: withdrawn ? .withdrawn : .endOfProcess, identity: identity,
                    consentDocuments: documents, photos: photos, includesConsentDocuments: documentsDue,
                    photoOriginals: originals, eventBodies: bodies))
        }
        return items
    }

    /// Every due candidacy (see `due`), read in batches of `batchSize` (default 500).
    public func allDue(
        processID: String, electionDay: LocalDate, timeZone: String, retentionDays: Int, everyoneAfterDays: Int,
        consentDocumentsAfterDays: Int? = nil, now: Date = Date(), batchSize: Int = 500
    ) async throws -> [PurgeItem] {
        var items: [PurgeItem] = []
        while true {
            let batch = try await due(
                processID: processID, electionDay: electionDay, timeZone: timeZone, retentionDays: retentionDays,
                everyoneAfterDays: everyoneAfterDays, consentDocumentsAfterDays: consentDocumentsAfterDays, now: now,
                after: items.last?.candidacyID, limit: batchSize)
            items += batch
            if batch.count < batchSize { return items }
        }
    }

    /// Deletes the sensitive data `item` names, in one transaction with its audit line,
    /// then the files no row references any more. Deletes what is there when it runs (the
    /// counts of `item` are only what `due` saw).
    /// - Throws: `StorageError.notFound` for an unknown candidacy; the blob store's error
    ///   when a file cannot be removed (the rows are gone by then; the job's retry finds
    ///   nothing left to delete, and the file stays until removed by hand).
    public func purge(_ item: PurgeItem, by actor: AuditActor, at now: Date = Date()) async throws -> PurgeOutcome {
        let candidacyID = item.candidacyID
        let (deleted, hashes): (PurgeOutcome, Set<String>) = try await client.transaction(logger: logger) { connection in
            // Locks the candidacy as a photo upload does (NO KEY UPDATE), so an upload in
            // flight either commits before this purge (and its photo goes) or waits for it.
            var found = false
            // The published photo an active candidacy keeps (empty: none is kept).
            var kept = ""
            for try await (_, published) in try await connection.query(
                """
                SELECT c.id, CASE WHEN c.status = 'aprobada' THEN q.published_answers->'photo'->>'sha256' END
                  FROM candidacies c LEFT JOIN curricular_questionnaires q ON q.candidacy_id = c.id
                 WHERE c.id = \(candidacyID) FOR NO KEY UPDATE OF c
                """, logger: logger
            ).decode((String, String?).self) {
                found = true
                kept = published ?? ""
            }
            guard found else { throw StorageError(.notFound, "La candidatura \(candidacyID) no existe.") }

            var outcome = PurgeOutcome(
                candidacyID: candidacyID, reason: item.reason, identity: false, consentDocuments: 0, consentReferences: 0,
                photos: 0, photoVariants: 0, blobs: 0)
            var hashes = Set<String>()
            let identity = try await QuestionnaireRepository.deleteIdentity(
                of: candidacyID, clearingDocuments: item.includesConsentDocuments, on: connection, logger: logger)
            outcome.identity = identity.revision != nil
            outcome.consentReferences = identity.documentHashes.count
            hashes.formUnion(identity.documentHashes)
            if item.includesConsentDocuments {
                for hash in try await deletedHashes(
                    "DELETE FROM consent_documents WHERE candidacy_id = \(candidacyID) RETURNING sha256", on: connection)
                {
                    outcome.consentDocuments += 1
                    hashes.insert(hash)
                }
            }
            // Variants first, for their hashes (the cascade from photos would not return them).
            for hash in try await deletedHashes(
                """
                DELETE FROM photo_variants
                 WHERE photo_id IN (SELECT id FROM photos WHERE candidacy_id = \(candidacyID) AND sha256 <> \(kept))
                RETURNING sha256
                """, on: connection)
            {
                outcome.photoVariants += 1
                hashes.insert(hash)
            }
            for hash in try await deletedHashes(
                "DELETE FROM photos WHERE candidacy_id = \(candidacyID) AND sha256 <> \(kept) RETURNING sha256", on: connection)
            {
                outcome.photos += 1
                hashes.insert(hash)
            }
            // The kept photo's original upload, once its re-encoded variant is what is shown.
            if item.reason == .endOfProcess, !kept.isEmpty {
                for hash in try await deletedHashes(
                    """
                    UPDATE photos p SET original_purged_at = \(now)
                     WHERE p.candidacy_id = \(candidacyID) AND p.sha256 = \(kept) AND p.original_purged_at IS NULL
                       AND EXISTS (SELECT 1 FROM photo_variants v
                                    WHERE v.photo_id = p.id AND v.variant = 'published' AND v.sha256 <> p.sha256)
                    RETURNING p.sha256
                    """, on: connection)
                {
                    outcome.photoOriginals += 1
                    hashes.insert(hash)
                }
            }
            // What the registration system sent about a withdrawn candidacy, down to its
            // identifiers (the hash of the body as received recognises a re-sent event).
            if item.reason == .withdrawn {
                let rows = try await connection.query(
                    """
                    UPDATE registration_events
                       SET body_sha256 = encode(sha256(convert_to(body::text, 'UTF8')), 'hex'), body_purged_at = \(now),
                           body = jsonb_strip_nulls(jsonb_build_object(
                               'id', body->'id', 'type', body->'type', 'occurred_at', body->'occurred_at',
                               'candidacy_id', to_jsonb(candidacy_id), 'replaces_candidacy_id', body->'replaces_candidacy_id',
                               'purged', true))
                     WHERE candidacy_id = \(candidacyID) AND status IN ('applied', 'rejected') AND body_purged_at IS NULL
                    RETURNING id
                    """, logger: logger)
                for try await _ in rows.decode(String.self) { outcome.eventBodies += 1 }
            }
            if outcome.identity, let identityPurged { try await identityPurged(connection) }
            if !outcome.isEmpty {
                try await audit.append(
                    .candidacy(candidacyID, "privacy.purge", by: actor, changes: Self.auditChanges(outcome), at: now),
                    on: connection)
            }
            return (outcome, hashes)
        }
        var outcome = deleted
        outcome.blobs = try await deleteUnreferenced(hashes)
        if !outcome.isEmpty {
            logger.debug(
                "sensitive data purged",
                metadata: [
                    "candidacy_id": "\(candidacyID)", "reason": "\(item.reason.rawValue)", "photos": "\(outcome.photos)",
                    "consent_documents": "\(outcome.consentDocuments)", "blobs": "\(outcome.blobs)",
                ])
        }
        return outcome
    }

    /// The audit line's changes: the reason, the kinds deleted and their counts.
    static func auditChanges(_ outcome: PurgeOutcome) -> [String: String] {
        var kinds: [String] = []
        if outcome.identity { kinds.append("cuestionario de identidad") }
        if outcome.consentDocuments + outcome.consentReferences > 0 { kinds.append("documentos de consentimiento") }
        if outcome.photos > 0 { kinds.append("fotografías") }
        if outcome.photoOriginals > 0 { kinds.append("original de la fotografía publicada") }
        if outcome.eventBodies > 0 { kinds.append("datos de los eventos de registro") }
        return [
            "reason": outcome.reason.rawValue, "deleted": kinds.joined(separator: ", "),
            "identity": outcome.identity ? "sí" : "no", "consent_documents": String(outcome.consentDocuments),
            "consent_references": String(outcome.consentReferences), "photos": String(outcome.photos),
            "photo_variants": String(outcome.photoVariants), "photo_originals": String(outcome.photoOriginals),
            "event_bodies": String(outcome.eventBodies),
        ]
    }

    /// The advisory lock that keeps blob deletions and `scripts/backup` apart ("conoblob"):
    /// deletions take it shared, each for its own transaction; a backup holds it exclusively
    /// from before its dump's snapshot until its blob archive is written, so every file a row
    /// of the dump names is in the archive. Its value is written in `scripts/backup` too.
    public static let blobDeletionLock: Int64 = 0x636F_6E6F_626C_6F62

    /// Removes the files of `hashes` that no row references any more; returns how many.
    /// Waits while a backup runs (see `blobDeletionLock`).
    func deleteUnreferenced(_ hashes: Set<String>) async throws -> Int {
        guard !hashes.isEmpty else { return 0 }
        let candidates = hashes.sorted()
        return try await client.transaction(logger: logger) { connection in
            // Transaction-scoped (safe through pgbouncer in transaction mode), released at commit.
            try await connection.query("SELECT pg_advisory_xact_lock_shared(\(Self.blobDeletionLock))", logger: logger)
            // Every table that names a blob. No row lock: the purged candidacy's rows are gone,
            // and a row committed meanwhile with the same content keeps its file. (An upload
            // stores its file before its row commits; one of identical bytes racing this check
            // could lose its file. Photos are never byte-identical across people in practice.)
            var unreferenced: [BlobAddress] = []
            for try await hash in try await connection.query(
                """
                SELECT h FROM unnest(\(candidates)::text[]) AS t(h)
                 WHERE NOT EXISTS (SELECT 1 FROM photos WHERE sha256 = h AND original_purged_at IS NULL)
                   AND NOT EXISTS (SELECT 1 FROM photo_variants WHERE sha256 = h)
                   AND NOT EXISTS (SELECT 1 FROM consent_documents WHERE sha256 = h)
                   AND NOT EXISTS (SELECT 1 FROM identity_consents WHERE document_sha256 = h)
                """, logger: logger
            ).decode(String.self) {
                if let address = BlobAddress(sha256: hash) { unreferenced.append(address) }  // the tables' CHECKs make nil unreachable
            }
            for address in unreferenced { try await blobs.delete(address) }
            return unreferenced.count
        }
    }

    private func deletedHashes(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [String] {
        var hashes: [String] = []
        for try await hash in try await connection.query(query, logger: logger).decode(String.self) { hashes.append(hash) }
        return hashes
    }
}
