import ConocelesCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("Signed consent documents")
struct ConsentDocumentRepositoryTests {
    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nConsiento que se publique. Firma: María\n%%EOF\n".utf8)

    func repository(_ db: Database, maximumBytes: Int = 1_024) -> (ConsentDocumentRepository, FileBlobStore) {
        let blobs = FileBlobStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("consent-\(UUID().uuidString)").path)
        return (
            ConsentDocumentRepository(
                client: db.client, cipher: StorageFactories.cipher, blobs: blobs, logger: TestDatabase.logger,
                maximumBytes: maximumBytes), blobs
        )
    }

    @Test func aCandidacyStoresAtMostFiveDocumentsEvenWhenTheyArriveTogether() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db, StorageFactories.candidacy(entity: .independent(code: "CI-1")))
            let (documents, _) = repository(db)
            #expect(documents.maximumDocuments == 5)
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await documents.store(Self.pdf, for: id, by: AuditActor(StorageFactories.representative))
                            return true
                        } catch ConsentDocumentError.tooMany(let maximum) where maximum == 5 {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(stored == 5)
            #expect(try await documents.documents(for: id).count == 5)
            #expect(ConsentDocumentError.tooMany(maximum: 5).description.contains("ya tiene 5 documentos"))
        }
    }

    @Test func aDocumentIsStoredSealedAndReceivingItRecordsTheConsent() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db, StorageFactories.candidacy(entity: .independent(code: "CI-1")))
            let (documents, blobs) = repository(db)
            let docID = try await documents.store(Self.pdf, for: id, by: AuditActor(StorageFactories.representative))
            let stored = try #require(try await documents.document(id: docID))
            #expect(stored.status == .pending && stored.byteCount == Self.pdf.count)
            // The blob holds no readable text of the document.
            let address = try #require(BlobAddress(sha256: stored.sha256))
            let raw = try #require(try await blobs.get(address))
            #expect(String(decoding: raw, as: UTF8.self).contains("Firma") == false)
            #expect(try await documents.contents(of: stored) == Self.pdf)
            #expect(try await documents.pending(processID: StorageFactories.processID).map(\.id) == [docID])

            try await documents.receive(id: docID, publishIdentity: true, by: AuditActor(StorageFactories.staff))
            #expect(try await StorageFactories.questionnaires(db).consent(for: id).isGranted)
            #expect(try await documents.pending(processID: StorageFactories.processID).isEmpty)
            // A second review of the same document is refused.
            await #expect(throws: StorageError.self) {
                try await documents.refuse(id: docID, observations: "Sin firma", by: AuditActor(StorageFactories.staff))
            }
            let actions = try await StorageFactories.audit(db).records(forCandidacy: id).map(\.entry.action)
            #expect(actions.contains("consent_document.upload") && actions.contains("consent_document.receive"))
        }
    }

    @Test func badFilesAreRefusedBeforeAnythingIsStored() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let (documents, _) = repository(db, maximumBytes: 100)
            let actor = AuditActor(StorageFactories.representative)
            await #expect(throws: ConsentDocumentError.empty) { try await documents.store([], for: id, by: actor) }
            await #expect(throws: ConsentDocumentError.notPDF) { try await documents.store(Array("GIF89a...".utf8), for: id, by: actor) }
            await #expect(throws: ConsentDocumentError.tooLarge(maximumBytes: 100)) {
                try await documents.store(Array("%PDF-".utf8) + [UInt8](repeating: 32, count: 200), for: id, by: actor)
            }
            #expect(try await documents.documents(for: id).isEmpty)
        }
    }

    @Test func aRefusalNeedsObservationsAndLeavesTheConsentAlone() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let (documents, _) = repository(db)
            let docID = try await documents.store(Self.pdf, for: id, by: AuditActor(StorageFactories.representative))
            await #expect(throws: ConsentDocumentError.observationsRequired) {
                try await documents.refuse(id: docID, observations: "  ", by: AuditActor(StorageFactories.staff))
            }
            try await documents.refuse(id: docID, observations: "El formato no está firmado.", by: AuditActor(StorageFactories.staff))
            let refused = try #require(try await documents.document(id: docID))
            #expect(refused.status == .refused && refused.observations == "El formato no está firmado.")
            #expect(try await StorageFactories.questionnaires(db).consent(for: id) == .notGiven)
        }
    }
}
