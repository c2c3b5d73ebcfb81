import Imaging
import Storage

extension AcceptedPhoto {
    /// Stores the published and thumbnail variants' JPEGs in `blobs` and returns their records.
    func storeVariants(in blobs: any BlobStore) async throws -> [StoredPhotoVariant] {
        var records: [StoredPhotoVariant] = []
        for (kind, variant) in [(StoredPhotoVariant.Kind.published, profile), (.thumbnail, thumbnail)] {
            let address = try await blobs.put(variant.jpeg)
            records.append(
                StoredPhotoVariant(
                    kind: kind, sha256: address.sha256, byteCount: variant.jpeg.count, contentType: ImageFormat.jpeg.mimeType,
                    width: variant.size.width, height: variant.size.height))
        }
        return records
    }
}
