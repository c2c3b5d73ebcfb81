/// One stored rendition of an accepted photo (table `photo_variants`): a file in the blob
/// store derived from the upload, without metadata, upright.
public struct StoredPhotoVariant: Sendable, Hashable {
    /// Which rendition (stable names, as stored).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The profile's photo as published (the photo check's profile variant, 600 x 800 by default).
        case published
        /// A middle size (reserved by the schema; the photo check makes none today).
        case medium
        /// The small copy of lists and comparisons (150 x 200 by default).
        case thumbnail
    }

    /// Which rendition this is.
    public var kind: Kind
    /// SHA-256 of the file (its blob address), 64 lowercase hex digits.
    public var sha256: String
    /// Size of the file, in bytes.
    public var byteCount: Int
    /// `image/jpeg` (the schema also admits `image/png` and `image/webp`).
    public var contentType: String
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A variant record.
    public init(kind: Kind, sha256: String, byteCount: Int, contentType: String, width: Int, height: Int) {
        self.kind = kind
        self.sha256 = sha256
        self.byteCount = byteCount
        self.contentType = contentType
        self.width = width
        self.height = height
    }
}
