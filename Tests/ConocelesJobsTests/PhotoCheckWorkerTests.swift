import ConocelesCore
import ConocelesJobs
import Foundation
import Imaging
import JobArguments
import JobQueue
import Storage
import Testing
import TestSupport

@Suite("PhotoCheckWorker")
struct PhotoCheckWorkerTests {
    /// An intake and a worker over one database and one blob store, as a deployment has them.
    struct Pipeline {
        let db: Database
        let blobs = PhotoFixtures.blobStore()

        var intake: PhotoIntake {
            get throws {
                PhotoIntake(
                    client: db.client, blobs: blobs, policy: PhotoPolicy(),
                    jobs: JobClient(client: db.client, catalog: try PhotoFixtures.catalog(), logger: TestDatabase.logger),
                    logger: TestDatabase.logger)
            }
        }

        var worker: PhotoCheckWorker {
            PhotoCheckWorker(
                client: db.client, blobs: blobs, policy: PhotoPolicy(),
                publicationDate: CalendarDay(PhotoFixtures.process.publicationDate))
        }

        var photos: PhotoRepository { PhotoRepository(client: db.client, logger: TestDatabase.logger) }

        func upload(_ bytes: [UInt8], _ candidacyID: String, declaredTakenOn: LocalDate? = nil) async throws -> UUID {
            try await intake.receive(
                bytes: bytes, candidacyID: candidacyID, declaredTakenOn: declaredTakenOn, by: AuditActor(role: .candidate, id: "cand-1"))
        }

        /// Runs the enqueued check of `photoID` (its arguments as the queue stored them).
        func check(_ photoID: UUID) async throws {
            let jobs = try await JobTesting.assertEnqueued(db, kind: PhotoCheckWorker.kind, args: PhotoCheckJob.self) {
                $0.photoID == photoID
            }
            try await JobTesting.perform(worker, args: try #require(jobs.first).decodeArgs(PhotoCheckJob.self))
        }
    }

    @Test func aValidJPEGIsAcceptedWithTwoVariantsWithoutMetadata() async throws {
        try await TestDatabase.with { db in
            let pipeline = Pipeline(db: db)
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let upload = PhotoFixtures.jpeg(width: 900, height: 1200, takenAt: "2024:03:10 09:30:00")
            #expect(PhotoFixtures.markers(upload).contains(0xE1))
            let id = try await pipeline.upload(upload, candidacyID, declaredTakenOn: LocalDate("2024-03-01"))
            try await pipeline.check(id)

            let photo = try #require(try await pipeline.photos.photo(id: id))
            #expect(photo.status == .accepted)
            #expect(photo.width == 900 && photo.height == 1200)
            #expect(photo.takenOn == LocalDate("2024-03-10") && photo.takenOnSource == .exif)
            #expect(photo.variants.map(\.kind) == [.published, .thumbnail])
            let published = try #require(photo.variant(.published))
            let thumbnail = try #require(photo.variant(.thumbnail))
            #expect((published.width, published.height) == (600, 800))
            #expect((thumbnail.width, thumbnail.height) == (150, 200))
            for variant in photo.variants {
                #expect(variant.contentType == "image/jpeg")
                let address = try #require(BlobAddress(sha256: variant.sha256))
                let bytes = try #require(try await pipeline.blobs.get(address))
                #expect(bytes.count == variant.byteCount)
                #expect(bytes.starts(with: [0xFF, 0xD8]))
                #expect(!PhotoFixtures.markers(bytes).contains(0xE1), "the \(variant.kind) variant keeps an APP1 segment")
            }
        }
    }

    @Test func aPhotoWithoutEXIFDateKeepsTheDeclaredOne() async throws {
        try await TestDatabase.with { db in
            let pipeline = Pipeline(db: db)
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let id = try await pipeline.upload(PhotoFixtures.jpeg(width: 120, height: 160), candidacyID, declaredTakenOn: LocalDate("2024-03-01"))
            try await pipeline.check(id)
            let photo = try #require(try await pipeline.photos.photo(id: id))
            #expect(photo.status == .accepted)
            #expect(photo.takenOn == LocalDate("2024-03-01") && photo.takenOnSource == .declared)
            #expect((photo.variant(.published)?.width, photo.variant(.published)?.height) == (120, 160))
        }
    }

    @Test func aTruncatedJPEGIsRejectedWithTheSpanishReason() async throws {
        try await TestDatabase.with { db in
            let pipeline = Pipeline(db: db)
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let whole = PhotoFixtures.jpeg(width: 300, height: 400)
            let id = try await pipeline.upload(Array(whole[0..<whole.count / 2]), candidacyID)
            try await pipeline.check(id)
            let photo = try #require(try await pipeline.photos.photo(id: id))
            #expect(photo.status == .rejected)
            #expect(photo.rejectionReason == PhotoRefusal.truncated(.jpeg, detail: nil).message)
            #expect(photo.rejectionReason?.hasPrefix("La imagen JPEG está incompleta") == true)
            #expect(photo.variants.isEmpty)
            // A retried job finds it decided.
            try await pipeline.check(id)
            #expect(try await pipeline.photos.photo(id: id)?.status == .rejected)
        }
    }

    @Test func theLateCheckOfAReplacedPhotoChangesNothing() async throws {
        try await TestDatabase.with { db in
            let pipeline = Pipeline(db: db)
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let first = try await pipeline.upload(PhotoFixtures.jpeg(width: 300, height: 400), candidacyID)
            let second = try await pipeline.upload(PhotoFixtures.jpeg(width: 330, height: 440), candidacyID)
            #expect(try await pipeline.photos.photo(id: first)?.status == .replaced)

            try await pipeline.check(first)
            let replaced = try #require(try await pipeline.photos.photo(id: first))
            #expect(replaced.status == .replaced && replaced.variants.isEmpty && replaced.checkedAt == nil)

            try await pipeline.check(second)
            #expect(try await pipeline.photos.currentPhoto(candidacyID: candidacyID)?.id == second)
            #expect(try await pipeline.photos.photo(id: second)?.status == .accepted)
        }
    }

    @Test func aMissingBlobFailsTheJobForGood() async throws {
        try await TestDatabase.with { db in
            let pipeline = Pipeline(db: db)
            let candidacyID = try await PhotoFixtures.seedCandidacy(db)
            let bytes = PhotoFixtures.jpeg(width: 300, height: 400)
            let id = try await pipeline.upload(bytes, candidacyID)
            try await pipeline.blobs.delete(BlobAddress(of: bytes))
            await #expect(throws: JobCancel.self) { try await pipeline.check(id) }
            #expect(try await pipeline.photos.photo(id: id)?.status == .received)
        }
    }
}
