import ConocelesCore
import Foundation
import PostgresNIO
@testable import Storage
import Testing
import TestSupport

/// Key rotation: everything sealed with key A re-sealed with key B, nothing lost, nothing
/// overwritten, nothing written on a dry run.
@Suite("Sealed value rotation")
struct SealedValueRotationTests {
    static let keyA = [UInt8](repeating: 0xA1, count: 32)
    static let keyB = [UInt8](repeating: 0xB2, count: 32)
    static let keyC = [UInt8](repeating: 0xC3, count: 32)
    /// The old process: seals with A.
    static let cipherA = try! SensitiveDataCipher(key: keyA, keyID: "a")
    /// After the switch: seals with B, still opens A.
    static let cipherB = try! SensitiveDataCipher(key: keyB, keyID: "b", previousKeys: ["a": keyA])
    /// Once A is retired.
    static let onlyB = try! SensitiveDataCipher(key: keyB, keyID: "b")
    /// A key nobody configured.
    static let cipherC = try! SensitiveDataCipher(key: keyC, keyID: "c")

    static func pdf(_ n: Int) -> [UInt8] {
        Array("%PDF-1.4\nConsiento que se publique mi autoadscripción. Documento \(n). Firma: María\n%%EOF\n".utf8)
    }

    /// A changed identity questionnaire, unlike the factory's.
    static func changedIdentity() -> IdentityQuestionnaire {
        var identity = StorageFactories.identity()
        identity.youth = .yes
        return identity
    }

    /// A row of identity_questionnaires as stored.
    struct RawIdentity: Equatable {
        var candidacyID: String, ciphertext: Data, nonce: Data, keyID: String, revision: Int, updatedAt: Date
    }

    struct Fixture {
        let db: Database
        let blobs: FileBlobStore
        let candidacies: [String]

        func questionnaires(_ cipher: SensitiveDataCipher) -> QuestionnaireRepository {
            StorageFactories.questionnaires(db, cipher: cipher)
        }

        func documents(_ cipher: SensitiveDataCipher) -> ConsentDocumentRepository {
            ConsentDocumentRepository(client: db.client, cipher: cipher, blobs: blobs, logger: TestDatabase.logger)
        }

        func rotation(_ cipher: SensitiveDataCipher = cipherB, batchSize: Int = 3) -> SealedValueRotation {
            var rotation = SealedValueRotation(client: db.client, cipher: cipher, blobs: blobs, logger: TestDatabase.logger)
            rotation.batchSize = batchSize
            return rotation
        }

        func rawIdentities() async throws -> [RawIdentity] {
            var rows: [RawIdentity] = []
            for try await (id, ciphertext, nonce, keyID, revision, updatedAt) in try await db.client.query(
                """
                SELECT candidacy_id, ciphertext, nonce, key_id, revision, updated_at FROM identity_questionnaires ORDER BY candidacy_id
                """
            ).decode((String, Data, Data, String, Int, Date).self) {
                rows.append(RawIdentity(candidacyID: id, ciphertext: ciphertext, nonce: nonce, keyID: keyID, revision: revision, updatedAt: updatedAt))
            }
            return rows
        }

        /// Every consent document's (id, sha256, key id).
        func rawDocuments() async throws -> [String] {
            var rows: [String] = []
            for try await (id, sha256, keyID) in try await db.client.query(
                "SELECT id::text, sha256, key_id FROM consent_documents ORDER BY id"
            ).decode((String, String, String).self) {
                rows.append("\(id) \(sha256) \(keyID)")
            }
            return rows
        }

        /// The consent records' (document sha256, key id).
        func consentReferences() async throws -> [String] {
            var rows: [String] = []
            for try await (sha256, keyID) in try await db.client.query(
                """
                SELECT document_sha256, document_key_id FROM identity_consents WHERE document_sha256 IS NOT NULL ORDER BY id
                """
            ).decode((String, String).self) { rows.append("\(sha256) \(keyID)") }
            return rows
        }

        /// The names of the files in the blob store.
        func blobFiles() -> Set<String> {
            let files = FileManager.default.enumerator(atPath: blobs.root)?.compactMap { $0 as? String } ?? []
            return Set(files.map { ($0 as NSString).lastPathComponent }.filter { $0.count == 64 })
        }

        func rotationRecords() async throws -> [AuditRecord] {
            try await StorageFactories.audit(db).records(subjectType: "encryption_key", subjectID: "b")
        }
    }

    /// `count` candidacies whose identity answers are sealed with `cipher` (A by default).
    static func withFixture(count: Int, _ body: @Sendable (Fixture) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            let candidacies = (1...count).map { StorageFactories.candidacy(String(format: "C-%03d", $0)) }
            try await StorageFactories.seed(db, candidacies)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let fixture = Fixture(db: db, blobs: FileBlobStore(root: root), candidacies: candidacies.map(\.id))
            for id in fixture.candidacies {
                try await fixture.questionnaires(cipherA).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            }
            try await body(fixture)
        }
    }

    /// Records the last progress report.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [(Int, Int)] = []
        func record(_ done: Int, _ total: Int) { lock.withLock { reports.append((done, total)) } }
        var last: (Int, Int)? { lock.withLock { reports.last } }
        var count: Int { lock.withLock { reports.count } }
    }

    @Test func everyValueIsResealedWithTheNewKeyAndOpensToTheSamePlaintext() async throws {
        try await Self.withFixture(count: 7) { f in
            let oldDocuments = f.documents(Self.cipherA)
            var documentIDs: [UUID] = []
            for (n, id) in f.candidacies.prefix(3).enumerated() {
                documentIDs.append(try await oldDocuments.store(Self.pdf(n), for: id, by: .system("test")))
            }
            try await oldDocuments.receive(id: documentIDs[0], publishIdentity: true, by: AuditActor(StorageFactories.staff))
            let before = try await f.rawIdentities()
            let oldBlobs = f.blobFiles()
            #expect(before.allSatisfy { $0.keyID == "a" } && oldBlobs.count == 3)
            #expect(try await f.consentReferences().allSatisfy { $0.hasSuffix(" a") })

            let progress = Progress()
            let report = try await f.rotation().run(by: .system("cli")) { progress.record($0, $1) }

            #expect(report.identityQuestionnaires.byOldKey == ["a": 7] && report.identityQuestionnaires.resealed == 7)
            #expect(report.consentDocuments.byOldKey == ["a": 3] && report.consentDocuments.resealed == 3)
            #expect(report.allOpened && !report.nothingToDo && report.identityQuestionnaires.changedMeanwhile == 0)
            #expect(progress.count == 4, "pages of 3: 3 + 3 + 1 identities, 3 documents")
            #expect(progress.last! == (10, 10))

            // Sealed with B, new nonces and ciphertexts; the candidate's revision and time untouched.
            let after = try await f.rawIdentities()
            #expect(after.allSatisfy { $0.keyID == "b" })
            for (old, new) in zip(before, after) {
                #expect(new.candidacyID == old.candidacyID && new.revision == old.revision && new.updatedAt == old.updatedAt)
                #expect(new.nonce != old.nonce && new.ciphertext != old.ciphertext)
            }
            #expect(try await f.rawDocuments().allSatisfy { $0.hasSuffix(" b") })
            // The consent record follows its document to the new blob.
            let received = try #require(try await f.documents(Self.onlyB).document(id: documentIDs[0]))
            #expect(try await f.consentReferences() == ["\(received.sha256) b"])

            // A cipher holding only B opens everything, to exactly the original plaintext.
            for id in f.candidacies {
                #expect(try await f.questionnaires(Self.onlyB).identity(for: id) == StorageFactories.identity().normalized())
            }
            let newDocuments = f.documents(Self.onlyB)
            for (n, documentID) in documentIDs.enumerated() {
                let stored = try #require(try await newDocuments.document(id: documentID))
                #expect(try await newDocuments.contents(of: stored) == Self.pdf(n))
            }
            let audit = try await SealedValueAudit(client: f.db.client, cipher: Self.onlyB, blobs: f.blobs, logger: TestDatabase.logger).run()
            #expect(audit.allOpen && audit.identityQuestionnaires.byKey == ["b": 7] && audit.consentDocuments.byKey == ["b": 3])
            // The old blobs are gone; only the new ones remain.
            let newBlobs = f.blobFiles()
            #expect(newBlobs.count == 3 && newBlobs.isDisjoint(with: oldBlobs))

            let records = try await f.rotationRecords()
            #expect(records.count == 1)
            let entry = try #require(records.first?.entry)
            #expect(entry.action == "encryption_key.rotate" && entry.actor == .system("cli"))
            #expect(entry.changes["identity_resealed"] == "7" && entry.changes["consent_documents_resealed"] == "3")
            #expect(entry.changes["old_key_ids"] == "a" && entry.changes["failed"] == "0")

            // A second run finds nothing and changes nothing.
            let again = try await f.rotation().run(by: .system("cli"))
            #expect(again.nothingToDo && again.allOpened)
            #expect(again.identityQuestionnaires.resealed == 0 && again.consentDocuments.resealed == 0)
            #expect(try await f.rawIdentities() == after)
            #expect(f.blobFiles() == newBlobs)
        }
    }

    /// Runs `body` the first time only.
    actor Once {
        private var done = false
        func run(_ body: @Sendable () async throws -> Void) async throws {
            guard !done else { return }
            done = true
            try await body()
        }
    }

    @Test func aRowSavedBetweenReadAndWriteIsNotOverwritten() async throws {
        try await Self.withFixture(count: 3) { f in
            let (oldProcess, newProcess) = (f.candidacies[0], f.candidacies[1])
            var rotation = f.rotation()
            let once = Once()
            rotation.beforeWrite = { _ in
                try await once.run {
                    // A server still on key A and one already on key B each save a candidate's answers.
                    _ = try await f.questionnaires(Self.cipherA).saveIdentity(Self.changedIdentity(), for: oldProcess, by: .system("test"))
                    _ = try await f.questionnaires(Self.cipherB).saveIdentity(Self.changedIdentity(), for: newProcess, by: .system("test"))
                }
            }
            let report = try await rotation.run(by: .system("cli"))

            #expect(report.identityQuestionnaires.changedMeanwhile == 2)
            #expect(report.identityQuestionnaires.resealed == 2, "the untouched row, then the row saved with A on the retry")
            #expect(report.identityQuestionnaires.skipped == 0 && report.allOpened)
            let after = try await f.rawIdentities()
            #expect(after.allSatisfy { $0.keyID == "b" })
            #expect(after.map(\.revision) == [2, 2, 1], "the saves stand; the rotation adds no revision")
            // The answers saved meanwhile are kept, not the ones the rotation read.
            for id in [oldProcess, newProcess] {
                #expect(try await f.questionnaires(Self.onlyB).identity(for: id) == Self.changedIdentity().normalized())
            }
            #expect(try await f.questionnaires(Self.onlyB).identity(for: f.candidacies[2]) == StorageFactories.identity().normalized())
        }
    }

    @Test func aDocumentPurgedBetweenReadAndWriteLeavesNoNewBlob() async throws {
        try await Self.withFixture(count: 2) { f in
            let kept = try await f.documents(Self.cipherA).store(Self.pdf(1), for: f.candidacies[0], by: .system("test"))
            let purged = try await f.documents(Self.cipherA).store(Self.pdf(2), for: f.candidacies[1], by: .system("test"))
            let purgedSHA = try #require(try await f.documents(Self.cipherA).document(id: purged)).sha256
            var rotation = f.rotation()
            let once = Once()
            rotation.beforeWrite = { ids in
                guard ids.contains(purged.uuidString.lowercased()) else { return }
                try await once.run { try await f.db.client.query("DELETE FROM consent_documents WHERE id = \(purged)") }
            }
            let report = try await rotation.run(by: .system("cli"))

            #expect(report.consentDocuments.resealed == 1 && report.consentDocuments.changedMeanwhile == 1)
            #expect(report.consentDocuments.skipped == 0 && report.allOpened)
            let stored = try #require(try await f.documents(Self.onlyB).document(id: kept))
            #expect(stored.keyID == "b")
            #expect(try await f.documents(Self.onlyB).contents(of: stored) == Self.pdf(1))
            // The kept document's new blob, and the purged one's old blob (the purge's to delete); no orphan.
            #expect(f.blobFiles() == [stored.sha256, purgedSHA])
        }
    }

    @Test func aValueSealedWithAnUnknownKeyIsReportedAndLeftAlone() async throws {
        try await Self.withFixture(count: 3) { f in
            let stranger = f.candidacies[1]
            _ = try await f.questionnaires(Self.cipherC).saveIdentity(StorageFactories.identity(), for: stranger, by: .system("test"))
            let strangerDocument = try await f.documents(Self.cipherC).store(Self.pdf(9), for: stranger, by: .system("test"))
            _ = try await f.documents(Self.cipherA).store(Self.pdf(1), for: f.candidacies[0], by: .system("test"))
            let before = try await f.rawIdentities()
            let strangerBlob = try #require(try await f.documents(Self.cipherC).document(id: strangerDocument)).sha256

            let report = try await f.rotation().run(by: .system("cli"))

            #expect(!report.allOpened)
            #expect(report.identityQuestionnaires.byOldKey == ["a": 2, "c": 1])
            #expect(report.identityQuestionnaires.resealed == 2 && report.identityQuestionnaires.failed == 1)
            #expect(report.consentDocuments.resealed == 1 && report.consentDocuments.failed == 1)
            let identityFailure = try #require(report.identityQuestionnaires.failures.first)
            #expect(identityFailure.id == stranger)
            #expect(identityFailure.reason.contains("«c»") && identityFailure.reason.contains("no está configurada"))
            #expect(!identityFailure.reason.contains(StorageFactories.otherPeopleText))
            #expect(report.consentDocuments.failures.map(\.id) == [strangerDocument.uuidString.lowercased()])
            // Untouched: same ciphertext, same key, same blob.
            let after = try await f.rawIdentities()
            #expect(after[1] == before[1])
            #expect(after[0].keyID == "b" && after[2].keyID == "b")
            #expect(try await f.documents(Self.cipherC).document(id: strangerDocument)?.sha256 == strangerBlob)
            #expect(f.blobFiles().contains(strangerBlob))
            #expect(try await f.rotationRecords().first?.entry.changes["failed"] == "2")

            // Run again: nothing more to do but the same two reported.
            let again = try await f.rotation().run(by: .system("cli"))
            #expect(again.identityQuestionnaires.resealed == 0 && again.identityQuestionnaires.failed == 1)
            #expect(again.consentDocuments.resealed == 0 && again.consentDocuments.failed == 1)
        }
    }

    @Test func aDryRunCountsAndWritesNothing() async throws {
        try await Self.withFixture(count: 4) { f in
            _ = try await f.documents(Self.cipherA).store(Self.pdf(1), for: f.candidacies[0], by: .system("test"))
            let (identities, documents, blobs) = (try await f.rawIdentities(), try await f.rawDocuments(), f.blobFiles())

            let report = try await f.rotation().run(dryRun: true, by: .system("cli"))

            #expect(report.dryRun && report.allOpened)
            #expect(report.identityQuestionnaires.found == 4 && report.identityQuestionnaires.resealed == 4)
            #expect(report.consentDocuments.found == 1 && report.consentDocuments.resealed == 1)
            #expect(try await f.rawIdentities() == identities)
            #expect(try await f.rawDocuments() == documents)
            #expect(f.blobFiles() == blobs)
            #expect(try await f.rotationRecords().isEmpty)
            #expect(try await f.rotation().pendingCount() == 5)
        }
    }
}
