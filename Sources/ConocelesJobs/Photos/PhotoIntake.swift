import ConocelesCore
import Foundation
import Imaging
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// Receives a candidacy's photo upload: refuses at once what can never be a photo (empty,
/// over the size limit, neither JPEG nor PNG by content), stores the bytes in the blob store,
/// then records the upload and enqueues its `photo.check` job in one transaction, so a row
/// never waits for a job that was not enqueued (nor a job for a row that was rolled back).
///
/// The full check (dimensions, damage, EXIF, variants) is the job's: an upload returns as
/// soon as the file is stored.
public struct PhotoIntake: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    let policy: PhotoPolicy
    let jobs: JobClient
    let logger: Logger

    /// An intake.
    /// - Parameters:
    ///   - blobs: where the bytes go (`FileBlobStore(root:)` over `paths.blobs`).
    ///   - policy: the deployment's `PhotoPolicy(configuration.photo)`; only its size limit
    ///     applies here.
    ///   - jobs: a client with the catalog of `jobs/`, so the job takes `photo.check`'s queue
    ///     and attempts.
    public init(client: PostgresClient, blobs: any BlobStore, policy: PhotoPolicy, jobs: JobClient, logger: Logger) {
        self.client = client
        self.blobs = blobs
        self.policy = policy
        self.jobs = jobs
        self.logger = logger
    }

    /// Stores an uploaded photo of `candidacyID` as its new current photo (the previous one
    /// becomes replaced) and enqueues its check.
    ///
    /// - Parameters:
    ///   - bytes: the uploaded file, whole.
    ///   - declaredTakenOn: the capture day the person declared, if any (an EXIF date found by
    ///     the check takes its place).
    ///   - actor: who uploads (the audit log records it).
    /// - Returns: the new photo's id.
    /// - Throws: `PhotoRefusal` (empty, too large, not JPEG or PNG; the Spanish message is the
    ///   one `conoceles photo check` prints) before anything is stored;
    ///   `StorageError.notFound` when the candidacy does not exist.
    public func receive(
        bytes: [UInt8], candidacyID: String, declaredTakenOn: LocalDate?, by actor: AuditActor
    ) async throws -> UUID {
        let format = try PhotoChecker.screen(bytes, policy: policy)
        // Stored first: a rolled-back transaction leaves an unreferenced blob (harmless, the
        // store is content-addressed), never a row whose bytes are missing.
        let address = try await blobs.put(bytes)
        let photos = PhotoRepository(client: client, logger: logger)
        let photoID = try await client.transaction(logger: logger) { connection in
            let photoID = try await photos.recordUpload(
                candidacyID: candidacyID, sha256: address.sha256, byteCount: bytes.count, contentType: format.mimeType,
                declaredTakenOn: declaredTakenOn, uploadedBy: actor, on: connection)
            try await jobs.insertMany(
                [try NewJob(PhotoCheckJob(photoID: photoID))], on: connection)
            return photoID
        }
        logger.info(
            "photo received",
            metadata: [
                "photo_id": "\(photoID)", "candidacy_id": "\(candidacyID)", "byte_count": "\(bytes.count)",
                "content_type": "\(format.mimeType)",
            ])
        return photoID
    }
}
