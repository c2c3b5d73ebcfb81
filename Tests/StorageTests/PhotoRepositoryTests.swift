import ConocelesCore
import Foundation
import Storage
import TestSupport
import Testing

@Suite("PhotoRepository")
struct PhotoRepositoryTests {
    static let uploader = AuditActor(StorageFactories.candidate)
    static let checker = AuditActor.system("photo.check")

    /// A hash that looks like a blob address (64 hex digits).
    static func sha(_ seed: Character) -> String { String(repeating: seed, count: 64) }

    /// Records an upload with defaults in its own transaction.
    static func upload(
        _ db: Database, _ candidacyID: String, sha256: String = sha("a"), declaredTakenOn: LocalDate? = nil
    ) async throws -> UUID {
        let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
        return try await db.client.transaction(logger: TestDatabase.logger) { connection in
            try await photos.recordUpload(
                candidacyID: candidacyID, sha256: sha256, byteCount: 120_000, contentType: "image/jpeg",
                declaredTakenOn: declaredTakenOn, uploadedBy: uploader, on: connection)
        }
    }

    static let variants = [
        StoredPhotoVariant(kind: .published, sha256: sha("b"), byteCount: 60_000, contentType: "image/jpeg", width: 600, height: 800),
        StoredPhotoVariant(kind: .thumbnail, sha256: sha("c"), byteCount: 8_000, contentType: "image/jpeg", width: 150, height: 200),
    ]

    @Test func anUploadIsReceivedWithItsDeclaredDateAndAudited() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await StorageFactories.seedOne(db)
            let id = try await Self.upload(db, candidacyID, declaredTakenOn: LocalDate("2024-03-10"))
            let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
            let photo = try #require(try await photos.currentPhoto(candidacyID: candidacyID))
            #expect(photo.id == id)
            #expect(photo.status == .received)
            #expect(photo.sha256 == Self.sha("a"))
            #expect(photo.byteCount == 120_000)
            #expect(photo.takenOn == LocalDate("2024-03-10"))
            #expect(photo.takenOnSource == .declared)
            #expect(photo.uploadedBy == Self.uploader.id)
            #expect(photo.variants.isEmpty)
            let log = try await StorageFactories.audit(db).records(forCandidacy: candidacyID)
            #expect(log.last?.entry.action == "photo.upload")
            #expect(log.last?.entry.changes["photo_id"] == id.uuidString.lowercased())
        }
    }

    @Test func aSecondUploadReplacesTheCurrentPhoto() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await StorageFactories.seedOne(db)
            let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
            let first = try await Self.upload(db, candidacyID)
            #expect(
                try await photos.markAccepted(
                    photoID: first, width: 600, height: 800, takenOn: nil, takenOnSource: nil, variants: Self.variants, by: Self.checker))
            let second = try await Self.upload(db, candidacyID, sha256: Self.sha("d"))
            #expect(try await photos.photo(id: first)?.status == .replaced)
            #expect(try await photos.currentPhoto(candidacyID: candidacyID)?.id == second)
            let log = try await StorageFactories.audit(db).records(forCandidacy: candidacyID)
            #expect(log.last?.entry.changes["replaced"] == first.uuidString.lowercased())
        }
    }

    @Test func acceptingStoresSizeDateAndVariantsOnce() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await StorageFactories.seedOne(db)
            let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
            let id = try await Self.upload(db, candidacyID, declaredTakenOn: LocalDate("2024-03-10"))
            #expect(
                try await photos.markAccepted(
                    photoID: id, width: 600, height: 800, takenOn: LocalDate("2024-03-02"), takenOnSource: .exif,
                    variants: Self.variants, by: Self.checker))
            let photo = try #require(try await photos.photo(id: id))
            #expect(photo.status == .accepted)
            #expect(photo.width == 600 && photo.height == 800)
            #expect(photo.takenOn == LocalDate("2024-03-02") && photo.takenOnSource == .exif)
            #expect(photo.checkedAt != nil)
            #expect(photo.variants == Self.variants)
            #expect(try await photos.variant(photoID: id, variant: .thumbnail) == Self.variants[1])
            #expect(try await photos.variant(photoID: id, variant: .medium) == nil)
            // A retried job finds the photo decided: nothing changes.
            #expect(
                try await !photos.markAccepted(
                    photoID: id, width: 1, height: 1, takenOn: nil, takenOnSource: nil, variants: [], by: Self.checker))
            #expect(try await !photos.markRejected(photoID: id, reason: "x", by: Self.checker))
            #expect(try await photos.photo(id: id)?.status == .accepted)
        }
    }

    @Test func aReplacedPhotoStaysReplaced() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await StorageFactories.seedOne(db)
            let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
            let first = try await Self.upload(db, candidacyID)
            let second = try await Self.upload(db, candidacyID, sha256: Self.sha("d"))
            #expect(try await !photos.markRejected(photoID: first, reason: "La imagen está dañada.", by: Self.checker))
            #expect(
                try await !photos.markAccepted(
                    photoID: first, width: 600, height: 800, takenOn: nil, takenOnSource: nil, variants: Self.variants, by: Self.checker))
            let replaced = try #require(try await photos.photo(id: first))
            #expect(replaced.status == .replaced)
            #expect(replaced.rejectionReason == nil && replaced.variants.isEmpty)
            #expect(try await photos.markRejected(photoID: second, reason: "La imagen está dañada.", by: Self.checker))
            let rejected = try #require(try await photos.photo(id: second))
            #expect(rejected.status == .rejected && rejected.rejectionReason == "La imagen está dañada.")
            #expect(try await photos.currentPhoto(candidacyID: candidacyID) == nil)
        }
    }

    @Test func anUploadForAnUnknownCandidacyIsNotFound() async throws {
        try await TestDatabase.with { db in
            try await StorageFactories.seed(db)
            let error = await #expect(throws: StorageError.self) { try await Self.upload(db, "C-NADIE") }
            #expect(error?.code == .notFound)
        }
    }

    @Test func concurrentUploadsLeaveOneCurrentPhoto() async throws {
        try await TestDatabase.with { db in
            let candidacyID = try await StorageFactories.seedOne(db)
            let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
                for seed in Array("0123") { group.addTask { try await Self.upload(db, candidacyID, sha256: Self.sha(seed)) } }
                var ids: [UUID] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
            var statuses: [StoredPhoto.Status] = []
            for id in ids { statuses.append(try #require(try await photos.photo(id: id)).status) }
            #expect(statuses.filter { $0 == .received }.count == 1)
            #expect(statuses.filter { $0 == .replaced }.count == 3)
        }
    }
}
