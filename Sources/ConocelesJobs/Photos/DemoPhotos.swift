import ConocelesCore
import Imaging
import Logging
import PostgresNIO
import Storage

/// Real photo files for a demo election: `count` synthetic portraits, checked like any upload
/// (variants without metadata), stored in the blob store, and attached round robin to the
/// demo candidacies whose questionnaire has a photo.
public struct DemoPhotos: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    let policy: PhotoPolicy
    let logger: Logger

    public init(client: PostgresClient, blobs: any BlobStore, policy: PhotoPolicy, logger: Logger) {
        self.client = client
        self.blobs = blobs
        self.policy = policy
        self.logger = logger
    }

    /// Makes and attaches the portraits; returns how many candidacies got one.
    public func attach(
        processID: String, publicationDate: LocalDate, count: Int = 48, seed: UInt64,
        progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> Int {
        var portraits: [DemoPortrait] = []
        for index in 0..<count {
            let bytes = try SyntheticPortrait.jpeg(seed: seed &* 1_000 &+ UInt64(index))
            guard case .accepted(let accepted) = PhotoChecker.check(bytes, policy: policy, publicationDate: CalendarDay(publicationDate)) else {
                continue
            }
            let original = try await blobs.put(bytes)
            portraits.append(
                DemoPortrait(
                    sha256: original.sha256, byteCount: bytes.count, width: accepted.size.width, height: accepted.size.height,
                    variants: try await accepted.storeVariants(in: blobs)))
            progress(index + 1, count)
        }
        return try await PhotoRepository(client: client, logger: logger).attachDemoPhotos(processID: processID, portraits: portraits)
    }
}
