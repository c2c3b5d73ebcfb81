import ConocelesCore
import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing

@Suite("SensitiveDataPurge")
struct SensitiveDataPurgeTests {
    static let logger = TestDatabase.logger
    static let actor = AuditActor.system("privacy.purge")
    static let retentionDays = 30
    static let everyoneAfterDays = 150
    /// 2024-06-02 + 150 days is 2024-10-30; 00:00 in Mexico City (UTC-6) is 06:00 UTC.
    static let processEnd = date("2024-10-30T06:00:00Z")
    static let pdf = Array("%PDF-1.4\nConsiento que se publique mi información. Firma: María\n%%EOF\n".utf8)

    static func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    /// The repository's default process under another id (one per random case).
    static func process(_ id: String) -> ElectionProcess {
        var process = StorageFactories.process
        process.id = id
        return process
    }

    static func blobStore() -> FileBlobStore {
        FileBlobStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("purge-\(UUID().uuidString)").path)
    }

    /// What is due at `now`; signed consent documents go with the rest unless
    /// `documentsAfterDays` (days after election day) keeps them longer. The default, a
    /// century before election day, makes them due whenever the rest is.
    static func due(_ purge: SensitiveDataPurge, processID: String, now: Date, documentsAfterDays: Int? = -36_500) async throws -> [PurgeItem] {
        try await purge.allDue(
            processID: processID, electionDay: StorageFactories.process.electionDay, timeZone: StorageFactories.process.timeZone,
            retentionDays: retentionDays, everyoneAfterDays: everyoneAfterDays, consentDocumentsAfterDays: documentsAfterDays,
            now: now, batchSize: 3)
    }

    // MARK: Random candidacies

    /// One photo upload of a generated candidacy: which pooled blob, and how the check ends.
    struct PhotoSpec {
        var blob: Int
        var outcome: StoredPhoto.Status  // received, accepted or rejected (an earlier one ends replaced)
    }

    /// A generated candidacy and the sensitive data it is given.
    struct CandidacySpec {
        var id: String
        var status: CandidacyStatus
        var changedAt: Date?
        var identity: Bool
        var documents: Int
        var receivesFirstDocument: Bool
        var photos: [PhotoSpec]
        /// The accepted photo (index in `photos`) that the published profile shows, if any.
        var publishedPhoto: Int?

        /// Photos the purge keeps: those with the bytes of the published one, while the
        /// candidacy is active (a published photo is public data, not sensitive).
        var keptPhotos: Int {
            guard status == .approved, let publishedPhoto else { return 0 }
            return photos.filter { $0.blob == photos[publishedPhoto].blob }.count
        }
        var purgeablePhotos: Int { photos.count - keptPhotos }
        /// Kept photos whose original upload goes at the end of the process: those with a
        /// re-encoded published variant (accepted ones; the pool's variants never share the
        /// original's bytes).
        var keptOriginals: Int {
            guard status == .approved, let publishedPhoto else { return 0 }
            return photos.filter { $0.blob == photos[publishedPhoto].blob && $0.outcome == .accepted }.count
        }
        var holdsData: Bool { identity || documents > 0 || purgeablePhotos > 0 }

        /// The rule under test, stated independently of the SQL.
        func isDue(at now: Date) -> PurgeItem.Reason? {
            let retention = Double(SensitiveDataPurgeTests.retentionDays) * 86_400
            if let changedAt, status != .approved, changedAt.addingTimeInterval(retention) <= now {
                return holdsData ? .withdrawn : nil
            }
            guard now >= SensitiveDataPurgeTests.processEnd, holdsData || keptOriginals > 0 else { return nil }
            return .endOfProcess
        }
    }

    /// Byte contents shared by the candidacies of one case (so photos share blobs).
    struct Pool {
        var photos: [[UInt8]]
        var variants: [[UInt8]]
        init(case number: Int) {
            photos = (0..<3).map { Array("foto \(number)-\($0)".utf8) }
            variants = (0..<3).map { Array("variante \(number)-\($0)".utf8) }
        }
    }

    static func randomCase(_ number: Int, using random: inout DemoRandom) -> (now: Date, candidacies: [CandidacySpec]) {
        let afterEnd = Int.random(in: 0..<10, using: &random) < 3
        let now =
            afterEnd
            ? processEnd.addingTimeInterval(Double(Int.random(in: 0...40 * 86_400, using: &random)))
            : processEnd.addingTimeInterval(-Double(Int.random(in: 1...150 * 86_400, using: &random)))
        let retention = Double(retentionDays) * 86_400
        let specs = (0..<Int.random(in: 3...8, using: &random)).map { index -> CandidacySpec in
            let status = random.pick([CandidacyStatus.approved, .approved, .substituted, .cancelled])
            let changedAt: Date? =
                status == .approved
                ? nil
                : random.pick([
                    now.addingTimeInterval(-retention),  // exactly due
                    now.addingTimeInterval(-retention + 1),  // one second short
                    now.addingTimeInterval(-Double(Int.random(in: 0...90 * 86_400, using: &random))),
                ])
            let photos = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                PhotoSpec(
                    blob: Int.random(in: 0..<3, using: &random),
                    outcome: random.pick([StoredPhoto.Status.received, .accepted, .accepted, .rejected]))
            }
            let documents = Int.random(in: 0...2, using: &random)
            let accepted = photos.indices.filter { photos[$0].outcome == .accepted }
            let publishedPhoto = accepted.isEmpty || !Bool.random(using: &random) ? nil : accepted.last
            return CandidacySpec(
                id: "P\(number)-\(index)", status: status, changedAt: changedAt, identity: Bool.random(using: &random),
                documents: documents, receivesFirstDocument: documents > 0 && Bool.random(using: &random), photos: photos,
                publishedPhoto: publishedPhoto)
        }
        return (now, specs)
    }

    /// Registers `spec` in `process` and gives it its data, then withdraws it as specified.
    static func seed(_ spec: CandidacySpec, process: String, pool: Pool, db: Database, blobs: FileBlobStore) async throws {
        var candidacy = StorageFactories.candidacy(spec.id)
        candidacy.processID = process
        try await CandidacyRepository(client: db.client, logger: logger).register(candidacy, by: .system("test"))
        let person = AuditActor(StorageFactories.candidate)
        if spec.identity {
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: spec.id, by: person)
        }
        let documents = ConsentDocumentRepository(client: db.client, cipher: StorageFactories.cipher, blobs: blobs, logger: logger)
        for index in 0..<spec.documents {
            let id = try await documents.store(pdf, for: spec.id, by: person)
            if index == 0 && spec.receivesFirstDocument {
                try await documents.receive(id: id, publishIdentity: true, by: AuditActor(StorageFactories.staff))
            }
        }
        let photos = PhotoRepository(client: db.client, logger: logger)
        for (index, photo) in spec.photos.enumerated() {
            let address = try await blobs.put(pool.photos[photo.blob])
            if index == spec.publishedPhoto {
                // What publication leaves: the published answers name the photo's hash.
                try await db.client.query(
                    """
                    INSERT INTO curricular_questionnaires (candidacy_id, answers, updated_by, published_answers, published_at)
                    VALUES (\(spec.id), '{}', 'test', jsonb_build_object('photo', jsonb_build_object('sha256', \(address.sha256)::text)), now())
                    ON CONFLICT (candidacy_id) DO UPDATE SET published_answers = EXCLUDED.published_answers, published_at = EXCLUDED.published_at
                    """, logger: logger)
            }
            let id = try await db.client.transaction(logger: logger) { connection in
                try await photos.recordUpload(
                    candidacyID: spec.id, sha256: address.sha256, byteCount: pool.photos[photo.blob].count,
                    contentType: "image/jpeg", declaredTakenOn: nil, uploadedBy: person, on: connection)
            }
            switch photo.outcome {
            case .accepted:
                var variants: [StoredPhotoVariant] = []
                for (kind, bytes) in [
                    (StoredPhotoVariant.Kind.published, pool.variants[photo.blob]),
                    (.thumbnail, pool.variants[(photo.blob + 1) % 3]),
                ] {
                    let variant = try await blobs.put(bytes)
                    variants.append(
                        StoredPhotoVariant(
                            kind: kind, sha256: variant.sha256, byteCount: bytes.count, contentType: "image/jpeg", width: 600, height: 800))
                }
                try await photos.markAccepted(
                    photoID: id, width: 600, height: 800, takenOn: nil, takenOnSource: nil, variants: variants, by: .system("photo.check"))
            case .rejected:
                try await photos.markRejected(photoID: id, reason: "Foto borrosa.", by: .system("photo.check"))
            default:
                break
            }
        }
        if let changedAt = spec.changedAt {
            try await CandidacyRepository(client: db.client, logger: logger).withdraw(
                spec.id, as: spec.status, by: .system("registration.ingest"), at: changedAt)
        }
    }

    // MARK: Observations

    /// Every candidacy's sensitive rows, as one comparable text.
    static func snapshot(_ db: Database) async throws -> [String: String] {
        var result: [String: String] = [:]
        let rows = try await db.client.query(
            """
            SELECT c.id,
                   coalesce((SELECT revision || ':' || encode(sha256(ciphertext), 'hex') || ':' || (blocked_at IS NOT NULL)
                               FROM identity_questionnaires WHERE candidacy_id = c.id), '-')
                   || '|' || coalesce((SELECT string_agg(id::text || sha256 || status, ',' ORDER BY id)
                                         FROM consent_documents WHERE candidacy_id = c.id), '')
                   || '|' || coalesce((SELECT string_agg(id || coalesce(document_sha256, '-'), ',' ORDER BY id)
                                         FROM identity_consents WHERE candidacy_id = c.id), '')
                   || '|' || coalesce((SELECT string_agg(id::text || sha256 || status, ',' ORDER BY id)
                                         FROM photos WHERE candidacy_id = c.id), '')
                   || '|' || coalesce((SELECT string_agg(v.photo_id::text || v.variant || v.sha256, ',' ORDER BY v.photo_id, v.variant)
                                         FROM photo_variants v JOIN photos p ON p.id = v.photo_id WHERE p.candidacy_id = c.id), '')
              FROM candidacies c
            """, logger: logger)
        for try await (id, text) in rows.decode((String, String).self) { result[id] = text }
        return result
    }

    /// How many sensitive rows `candidacyID` still has, across the four tables.
    static func sensitiveRows(_ db: Database, _ candidacyID: String) async throws -> Int {
        let rows = try await db.client.query(
            """
            SELECT (SELECT count(*) FROM identity_questionnaires WHERE candidacy_id = \(candidacyID))
                 + (SELECT count(*) FROM consent_documents WHERE candidacy_id = \(candidacyID))
                 + (SELECT count(*) FROM identity_consents WHERE candidacy_id = \(candidacyID) AND document_sha256 IS NOT NULL)
                 + (SELECT count(*) FROM photos WHERE candidacy_id = \(candidacyID))
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }

    /// Every blob hash some row names (a published photo whose original went names only its variants).
    static func referencedBlobs(_ db: Database) async throws -> Set<String> {
        let rows = try await db.client.query(
            """
            SELECT sha256 FROM photos WHERE original_purged_at IS NULL
            UNION SELECT sha256 FROM photo_variants UNION SELECT sha256 FROM consent_documents
            UNION SELECT document_sha256 FROM identity_consents WHERE document_sha256 IS NOT NULL
            """, logger: logger)
        var hashes = Set<String>()
        for try await hash in rows.decode(String.self) { hashes.insert(hash) }
        return hashes
    }

    static func exists(_ hash: String, in blobs: FileBlobStore) -> Bool {
        FileManager.default.fileExists(atPath: blobs.path(BlobAddress(sha256: hash)!))
    }

    static func auditCount(_ db: Database, action: String) async throws -> Int {
        for try await count in try await db.client.query(
            "SELECT count(*) FROM audit_log WHERE action = \(action)", logger: logger
        ).decode(Int.self) { return count }
        return -1
    }

    /// Audit lines whose text holds `needle` anywhere.
    static func auditLines(_ db: Database, containing needle: String) async throws -> Int {
        for try await count in try await db.client.query(
            "SELECT count(*) FROM audit_log a WHERE strpos(a::text, \(needle)) > 0", logger: logger
        ).decode(Int.self) { return count }
        return -1
    }

    // MARK: Tests

    /// The property: over random sets of candidacies, the purge removes exactly the
    /// sensitive data that are due, nothing else, and no file that a remaining row uses.
    @Test func removesExactlyWhatIsDueOverRandomCandidacies() async throws {
        try await TestDatabase.with { db in
            let blobs = Self.blobStore()
            let purge = SensitiveDataPurge(client: db.client, blobs: blobs, logger: Self.logger)
            var random = DemoRandom(seed: 20_240_602)
            var cases: [(process: String, now: Date, specs: [CandidacySpec])] = []
            for number in 0..<25 {
                let (now, specs) = Self.randomCase(number, using: &random)
                let processID = "proceso-\(number)"
                try await ProcessStore(client: db.client, logger: Self.logger).register(Self.process(processID))
                for spec in specs { try await Self.seed(spec, process: processID, pool: Pool(case: number), db: db, blobs: blobs) }
                cases.append((processID, now, specs))
            }
            for (processID, now, specs) in cases {
                let before = try await Self.snapshot(db)
                let blobsBefore = try await Self.referencedBlobs(db)
                #expect(blobsBefore.allSatisfy { Self.exists($0, in: blobs) })

                let items = try await Self.due(purge, processID: processID, now: now)
                let expected = Dictionary(uniqueKeysWithValues: specs.compactMap { spec in spec.isDue(at: now).map { (spec.id, $0) } })
                #expect(Dictionary(uniqueKeysWithValues: items.map { ($0.candidacyID, $0.reason) }) == expected, "\(processID)")
                for item in items {
                    let spec = try #require(specs.first { $0.id == item.candidacyID })
                    #expect(item.identity == spec.identity)
                    #expect(item.consentDocuments == spec.documents + (spec.receivesFirstDocument ? 1 : 0))
                    #expect(item.photos == spec.purgeablePhotos)
                    #expect(item.photoOriginals == (item.reason == .endOfProcess ? spec.keptOriginals : 0))
                    #expect(item.eventBodies == 0, "the seed sends no registration events")
                }
                for item in items {
                    let outcome = try await purge.purge(item, by: Self.actor, at: now)
                    #expect(outcome.identity == item.identity)
                    #expect(outcome.consentDocuments + outcome.consentReferences == item.consentDocuments)
                    #expect(outcome.photos == item.photos)
                    #expect(outcome.photoOriginals == item.photoOriginals)
                }

                let after = try await Self.snapshot(db)
                for (id, text) in before where expected[id] == nil {
                    #expect(after[id] == text, "\(id) changed although not due")
                }
                for id in expected.keys {
                    let spec = try #require(specs.first { $0.id == id })
                    #expect(try await Self.sensitiveRows(db, id) == spec.keptPhotos, "\(id) kept sensitive rows")
                }
                let referenced = try await Self.referencedBlobs(db)
                for hash in blobsBefore {
                    #expect(Self.exists(hash, in: blobs) == referenced.contains(hash), "blob \(hash.prefix(8))")
                }

                // Idempotent: nothing is due any more, and purging again deletes and writes nothing.
                #expect(try await Self.due(purge, processID: processID, now: now).isEmpty)
                let lines = try await Self.auditCount(db, action: "privacy.purge")
                for item in items { #expect(try await purge.purge(item, by: Self.actor, at: now).isEmpty) }
                #expect(try await Self.auditCount(db, action: "privacy.purge") == lines)
            }
            let purged = cases.flatMap { c in c.specs.filter { $0.isDue(at: c.now) != nil } }.count
            #expect(try await Self.auditCount(db, action: "privacy.purge") == purged)
            #expect(purged > 10, "the seed should exercise the purge")
            let kept = cases.flatMap { c in c.specs.filter { $0.isDue(at: c.now) != nil && $0.keptPhotos > 0 } }.count
            #expect(kept > 0, "the seed should purge around a published photo")
            let originals = cases.flatMap { c in c.specs.filter { $0.isDue(at: c.now) == .endOfProcess && $0.keptOriginals > 0 } }.count
            #expect(originals > 0, "the seed should strip a published photo's original")
            #expect(try await Self.auditLines(db, containing: StorageFactories.otherPeopleText) == 0)
            #expect(try await Self.auditLines(db, containing: "Consiento") == 0)
        }
    }

    @Test func theAuditLineNamesKindsAndCountsOnly() async throws {
        try await TestDatabase.with { db in
            let blobs = Self.blobStore()
            let id = try await StorageFactories.seedOne(db)
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            let documents = ConsentDocumentRepository(client: db.client, cipher: StorageFactories.cipher, blobs: blobs, logger: Self.logger)
            try await documents.receive(
                id: try await documents.store(Self.pdf, for: id, by: .system("test")), publishIdentity: true,
                by: AuditActor(StorageFactories.staff))
            _ = try await CandidacyRepository(client: db.client, logger: Self.logger).withdraw(
                id, as: .cancelled, by: .system("test"), at: Self.date("2024-04-01T12:00:00Z"))
            let purge = SensitiveDataPurge(client: db.client, blobs: blobs, logger: Self.logger)
            let now = Self.date("2024-06-01T12:00:00Z")
            let item = try #require(try await Self.due(purge, processID: StorageFactories.processID, now: now).first)
            #expect(item == PurgeItem(candidacyID: id, reason: .withdrawn, identity: true, consentDocuments: 2, photos: 0))
            let outcome = try await purge.purge(item, by: Self.actor, at: now)
            #expect(outcome.blobs == 1, "the sealed document, named by two rows, goes once")
            let line = try #require(try await StorageFactories.audit(db).records(forCandidacy: id).last)
            #expect(line.entry.action == "privacy.purge")
            #expect(line.entry.actor == Self.actor)
            #expect(line.entry.occurredAt == now)
            #expect(
                line.entry.changes == [
                    "reason": "withdrawn", "deleted": "cuestionario de identidad, documentos de consentimiento", "identity": "sí",
                    "consent_documents": "1", "consent_references": "1", "photos": "0", "photo_variants": "0",
                    "photo_originals": "0", "event_bodies": "0",
                ])
            // The consent decision itself stays (only its document went).
            #expect(try await StorageFactories.questionnaires(db).consent(for: id) != .notGiven)
        }
    }

    @Test func signedConsentFormsAreKeptUnlessTheirOwnRetentionIsOver() async throws {
        try await TestDatabase.with { db in
            let blobs = Self.blobStore()
            let id = try await StorageFactories.seedOne(db)
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            let documents = ConsentDocumentRepository(client: db.client, cipher: StorageFactories.cipher, blobs: blobs, logger: Self.logger)
            let stored = try await documents.store(Self.pdf, for: id, by: .system("test"))
            try await documents.receive(id: stored, publishIdentity: true, by: AuditActor(StorageFactories.staff))
            let purge = SensitiveDataPurge(client: db.client, blobs: blobs, logger: Self.logger)

            // The end of the process, without `retention.consent_documents_days`: the answers go, the form stays.
            let items = try await Self.due(purge, processID: StorageFactories.processID, now: Self.processEnd, documentsAfterDays: nil)
            #expect(
                items == [
                    PurgeItem(
                        candidacyID: id, reason: .endOfProcess, identity: true, consentDocuments: 0, photos: 0,
                        includesConsentDocuments: false)
                ])
            let outcome = try await purge.purge(items[0], by: Self.actor, at: Self.processEnd)
            #expect(outcome.identity && outcome.consentDocuments == 0 && outcome.consentReferences == 0 && outcome.blobs == 0)
            #expect(try await StorageFactories.questionnaires(db).sealedIdentity(for: id) == nil)
            let kept = try #require(try await documents.document(id: stored))
            #expect(try await documents.contents(of: kept) == Self.pdf)
            #expect(
                try await Self.due(
                    purge, processID: StorageFactories.processID, now: Self.processEnd.addingTimeInterval(86_400 * 3_650),
                    documentsAfterDays: nil
                ).isEmpty, "kept for good without a retention of their own")

            // With 365 days of their own: due from 00:00 of 2 June 2025 in Mexico City, not a second before.
            let documentsEnd = try await purge.processEnd(
                electionDay: StorageFactories.process.electionDay, timeZone: "America/Mexico_City",
                everyoneAfterDays: 365)
            #expect(
                try await Self.due(
                    purge, processID: StorageFactories.processID, now: documentsEnd.addingTimeInterval(-1),
                    documentsAfterDays: 365
                ).isEmpty)
            let late = try await Self.due(purge, processID: StorageFactories.processID, now: documentsEnd, documentsAfterDays: 365)
            #expect(late.map(\.consentDocuments) == [2])
            let removed = try await purge.purge(late[0], by: Self.actor, at: documentsEnd)
            #expect(removed.consentDocuments == 1 && removed.consentReferences == 1 && removed.blobs == 1)
            #expect(try await documents.document(id: stored) == nil)
        }
    }

    @Test func theEndOfTheProcessStartsAtMidnightInTheProcessTimeZone() async throws {
        try await TestDatabase.with { db in
            let purge = SensitiveDataPurge(client: db.client, blobs: Self.blobStore(), logger: Self.logger)
            let election = StorageFactories.process.electionDay
            #expect(
                try await purge.processEnd(electionDay: election, timeZone: "America/Mexico_City", everyoneAfterDays: 150)
                    == Self.processEnd)
            // Tijuana keeps daylight saving time until November: UTC-7 on 30 October 2024.
            #expect(
                try await purge.processEnd(electionDay: election, timeZone: "America/Tijuana", everyoneAfterDays: 150)
                    == Self.date("2024-10-30T07:00:00Z"))

            let id = try await StorageFactories.seedOne(db)
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            // Midnight of 30 October in UTC is still 29 October in Mexico City, and so is 05:59:59 UTC.
            #expect(try await Self.due(purge, processID: StorageFactories.processID, now: Self.date("2024-10-30T00:00:00Z")).isEmpty)
            #expect(try await Self.due(purge, processID: StorageFactories.processID, now: Self.processEnd.addingTimeInterval(-1)).isEmpty)
            let items = try await Self.due(purge, processID: StorageFactories.processID, now: Self.processEnd)
            #expect(items == [PurgeItem(candidacyID: id, reason: .endOfProcess, identity: true, consentDocuments: 0, photos: 0)])
        }
    }

    @Test func aWithdrawnCandidacyIsDueAfterItsRetentionOnly() async throws {
        try await TestDatabase.with { db in
            let purge = SensitiveDataPurge(client: db.client, blobs: Self.blobStore(), logger: Self.logger)
            let id = try await StorageFactories.seedOne(db)
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            let withdrawn = Self.date("2024-05-10T18:30:00Z")
            _ = try await CandidacyRepository(client: db.client, logger: Self.logger).withdraw(
                id, as: .substituted, by: .system("test"), at: withdrawn)
            let retention = Double(Self.retentionDays) * 86_400
            #expect(try await Self.due(purge, processID: StorageFactories.processID, now: withdrawn.addingTimeInterval(retention - 1)).isEmpty)
            let items = try await Self.due(purge, processID: StorageFactories.processID, now: withdrawn.addingTimeInterval(retention))
            #expect(items.map(\.reason) == [.withdrawn])
            // Blocked, then deleted: the answers cannot be read meanwhile.
            await #expect(throws: StorageError.self) { try await StorageFactories.questionnaires(db).identity(for: id) }
            _ = try await purge.purge(items[0], by: Self.actor, at: withdrawn.addingTimeInterval(retention))
            #expect(try await StorageFactories.questionnaires(db).sealedIdentity(for: id) == nil)
        }
    }
}

/// scripts/backup holds the blob-deletion lock exclusively from before its snapshot until its
/// blob archive is written; deleting unreferenced blobs waits for it, so no file a row of the
/// backup names disappears before it is archived.
@Suite("Blob deletion and backups")
struct BlobDeletionLockTests {
    @Test func deletionsWaitWhileABackupHoldsTheLock() async throws {
        try await TestDatabase.with { db in
            let blobs = SensitiveDataPurgeTests.blobStore()
            let address = try await blobs.put(Array("unreferenced \(UUID())".utf8))
            let backup = try await PostgresConnection.connect(
                configuration: db.endpoint.connectionConfiguration, id: 9, logger: TestDatabase.logger)
            try await backup.query("SELECT pg_advisory_lock(\(SensitiveDataPurge.blobDeletionLock))", logger: TestDatabase.logger)
            let purge = SensitiveDataPurge(client: db.client, blobs: blobs, logger: TestDatabase.logger)
            let deletion = Task { try await purge.deleteUnreferenced([address.sha256]) }
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await blobs.get(address) != nil, "the file stays while the backup runs")
            try await backup.query("SELECT pg_advisory_unlock(\(SensitiveDataPurge.blobDeletionLock))", logger: TestDatabase.logger)
            #expect(try await deletion.value == 1)
            #expect(try await blobs.get(address) == nil)
            try await backup.close()
        }
    }

    @Test func blobFilesAndFoldersAreOnlyTheServiceUsers() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("modes-\(UUID().uuidString)").path
        let previous = umask(0o022)
        defer { umask(previous) }
        let address = try await FileBlobStore(root: root).put(Array("foto".utf8))
        let h = address.sha256
        let file = "\(root)/\(h.prefix(2))/\(h.dropFirst(2).prefix(2))/\(h)"
        let permissions = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        #expect(try permissions(file) == 0o600)
        #expect(try permissions("\(root)/\(h.prefix(2))/\(h.dropFirst(2).prefix(2))") == 0o700)
        #expect(try permissions("\(root)/\(h.prefix(2))") == 0o700)
    }
}
