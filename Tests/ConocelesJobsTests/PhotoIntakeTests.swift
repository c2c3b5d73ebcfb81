import ConocelesCore
import ConocelesJobs
import Foundation
import Imaging
import JobArguments
import JobQueue
import Storage
import Testing
import TestSupport

@Suite("PhotoIntake")
struct PhotoIntakeTests {
    static let actor = AuditActor(role: .candidate, id: "cand-1")

    static func intake(_ db: Database, blobs: FileBlobStore, policy: PhotoPolicy = PhotoPolicy()) throws -> PhotoIntake {
        PhotoIntake(
            client: db.client, blobs: blobs, policy: policy,
            jobs: JobClient(client: db.client, catalog: try PhotoFixtures.catalog(), logger: TestDatabase.logger),
            logger: TestDatabase.logger)
    }

    @Test func storesTheFileAndEnqueuesItsCheckWithTheRow() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let blobs = PhotoFixtures.blobStore()
            let bytes = PhotoFixtures.jpeg(width: 300, height: 400)
            let id = try await Self.intake(db, blobs: blobs).receive(
                bytes: bytes, candidacyID: candidacyID, declaredTakenOn: LocalDate("2024-03-05"), by: Self.actor)

            let photo = try #require(try await PhotoRepository(client: db.client, logger: TestDatabase.logger).photo(id: id))
            #expect(photo.status == .received)
            #expect(photo.candidacyID == candidacyID)
            #expect(photo.sha256 == BlobAddress(of: bytes).sha256)
            #expect(photo.byteCount == bytes.count)
            #expect(photo.contentType == "image/jpeg")
            #expect(photo.takenOn == LocalDate("2024-03-05") && photo.takenOnSource == .declared)
            #expect(try await blobs.get(BlobAddress(of: bytes)) == bytes)
            let jobs = try await JobTesting.assertEnqueued(db, kind: PhotoCheckWorker.kind, args: PhotoCheckJob.self) {
                $0.photoID == id
            }
            #expect(jobs.first?.queue == "photos")
        }
    }

    @Test func aFailedRecordEnqueuesNothing() async throws {
        try await TestDatabase.with { db in
            _ = try await PhotoFixtures.seedCandidacy(db)
            let error = await #expect(throws: StorageError.self) {
                try await Self.intake(db, blobs: PhotoFixtures.blobStore()).receive(
                    bytes: PhotoFixtures.jpeg(width: 30, height: 40), candidacyID: "C-NADIE", declaredTakenOn: nil, by: Self.actor)
            }
            #expect(error?.code == .notFound)
            try await JobTesting.assertNotEnqueued(db, kind: PhotoCheckWorker.kind)
        }
    }

    @Test func oversizeAndNonImagesAreRefusedBeforeStoring() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let blobs = PhotoFixtures.blobStore()
            let jpeg = PhotoFixtures.jpeg(width: 300, height: 400)
            let small = PhotoPolicy(maxBytes: 2_048)
            let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 64)
            let cases: [([UInt8], PhotoPolicy, PhotoRefusal)] = [
                (jpeg, small, .tooLarge(bytes: jpeg.count, limit: small.maxBytes)),
                (gif, PhotoPolicy(), .unsupportedFormat(looksLike: "GIF")),
                (Array("hola".utf8), PhotoPolicy(), .unsupportedFormat(looksLike: nil)),
                ([], PhotoPolicy(), .emptyFile),
            ]
            for (bytes, policy, expected) in cases {
                let refusal = await #expect(throws: PhotoRefusal.self) {
                    try await Self.intake(db, blobs: blobs, policy: policy).receive(
                        bytes: bytes, candidacyID: candidacyID, declaredTakenOn: nil, by: Self.actor)
                }
                #expect(refusal == expected)
                #expect(try await blobs.get(BlobAddress(of: bytes)) == nil)
            }
            #expect(!FileManager.default.fileExists(atPath: blobs.root))
            #expect(try await PhotoRepository(client: db.client, logger: TestDatabase.logger).currentPhoto(candidacyID: candidacyID) == nil)
            try await JobTesting.assertNotEnqueued(db, kind: PhotoCheckWorker.kind)
        }
    }
}
