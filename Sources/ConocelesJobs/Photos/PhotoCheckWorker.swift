import ConocelesCore
import Foundation
import Imaging
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `photo.check` (enqueued by `PhotoIntake` with the upload): checks the stored upload with
/// the deployment's `PhotoPolicy`, stores its variants (profile as `published`, `thumbnail`)
/// in the blob store and marks the photo accepted with them, or rejected with the Spanish
/// reason `conoceles photo check` would print.
///
/// Idempotent: only a photo still `received` changes, so a photo replaced by a later upload,
/// or already decided by an earlier run, is left as it is and the job succeeds. A missing or
/// corrupted blob fails the job for good (retrying cannot bring it back).
public struct PhotoCheckWorker: EnvironmentWorker {
    public typealias Args = PhotoCheckJob

    let client: PostgresClient
    let blobs: any BlobStore
    let policy: PhotoPolicy
    let publicationDate: CalendarDay
    /// Brings the profile's workflow in step once its photo is accepted (nil: leave it).
    var profiles: ProfileCapture?

    /// A worker over explicit dependencies (tests, tools).
    /// - Parameter publicationDate: the process's first publication day; an EXIF capture date
    ///   more than `policy.maxCaptureAgeMonths` before it is logged for review.
    public init(
        client: PostgresClient, blobs: any BlobStore, policy: PhotoPolicy, publicationDate: CalendarDay,
        profiles: ProfileCapture? = nil
    ) {
        self.profiles = profiles
        self.client = client
        self.blobs = blobs
        self.policy = policy
        self.publicationDate = publicationDate
    }

    /// The worker of this deployment: `paths.blobs`, the `photo.*` limits and the process's
    /// publication date.
    public init(environment: JobEnvironment) {
        self.init(
            client: environment.client, blobs: FileBlobStore(root: environment.configuration.blobsDirectory),
            policy: PhotoPolicy(environment.configuration.photo, rules: environment.process.rules),
            publicationDate: CalendarDay(environment.process.publicationDate),
            profiles: ProfileCapture(
                client: environment.client,
                cipher: environment.cipher,
                process: environment.process, catalogs: environment.catalogs))
    }

    public func work(_ args: PhotoCheckJob, context: JobContext) async throws {
        let logger = context.logger
        let photos = PhotoRepository(client: client, logger: logger)
        guard let photo = try await photos.photo(id: args.photoID) else {
            throw JobCancel("photo \(args.photoID) does not exist")
        }
        let metadata: Logger.Metadata = ["photo_id": "\(photo.id)", "candidacy_id": "\(photo.candidacyID)"]
        guard photo.status == .received else {
            logger.debug("photo already \(photo.status.rawValue): nothing to check", metadata: metadata)
            return
        }
        guard let address = BlobAddress(sha256: photo.sha256), let bytes = try await blob(address, metadata, logger) else {
            logger.error("photo blob missing or corrupted in the blob store", metadata: metadata.merging(["sha256": "\(photo.sha256)"]) { $1 })
            throw JobCancel("blob \(photo.sha256) of photo \(photo.id) is missing or corrupted in the blob store")
        }
        let actor = AuditActor.system(Self.kind)
        switch PhotoChecker.check(bytes, policy: policy, publicationDate: publicationDate) {
        case .refused(let refusal):
            // Not the person's doing (memory, encoder): retried; refused only on the last attempt.
            if refusal.code == .processingFailed, context.attempt < context.maxAttempts { throw refusal }
            let changed = try await photos.markRejected(photoID: photo.id, reason: refusal.message, by: actor)
            logger.info(
                "photo rejected",
                metadata: metadata.merging([
                    "code": "\(refusal.code)", "detail": "\(refusal.detail ?? "")", "changed": "\(changed)",
                ]) { $1 })
        case .accepted(let accepted):
            let variants = try await accepted.storeVariants(in: blobs)
            var takenOn = photo.takenOn
            var takenOnSource = photo.takenOnSource
            if let capture = accepted.captureDate, let day = LocalDate(capture.day) {
                (takenOn, takenOnSource) = (day, .exif)
            }
            let changed = try await photos.markAccepted(
                photoID: photo.id, width: accepted.size.width, height: accepted.size.height,
                takenOn: takenOn, takenOnSource: takenOnSource, variants: variants, by: actor)
            if accepted.isCaptureDateStale {
                logger.notice(
                    "photo capture date older than allowed: flagged for review",
                    metadata: metadata.merging([
                        "oldest_accepted_day": "\(accepted.oldestAcceptedCaptureDay)"
                    ]) { $1 })
            }
            logger.info("photo accepted", metadata: metadata.merging(["changed": "\(changed)"]) { $1 })
            // The photo may have been the last missing piece (or change an authorized profile).
            if changed, let profiles,
                let candidacy = try await CandidacyRepository(client: client, logger: logger).candidacy(id: photo.candidacyID)
            {
                _ = try await profiles.sync(candidacy, by: .system(Self.kind), changed: true, logger: logger)
            }
        }
    }

    /// The blob's bytes; nil (logged) when absent or corrupted.
    private func blob(_ address: BlobAddress, _ metadata: Logger.Metadata, _ logger: Logger) async throws -> [UInt8]? {
        do {
            return try await blobs.get(address)
        } catch let error as BlobStoreError {
            logger.error("photo blob unreadable: \(String(reflecting: error))", metadata: metadata)
            return nil
        }
    }
}
