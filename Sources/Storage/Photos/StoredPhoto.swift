import ConocelesCore
import Foundation

/// A candidacy's uploaded photo as stored (table `photos`): the original file's blob, what the
/// photo check found, and the variants made from it. A candidacy has at most one current
/// photo (received or accepted); a new upload marks the previous one replaced.
public struct StoredPhoto: Sendable, Hashable, Identifiable {
    /// Where the photo stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Stored, waiting for its `photo.check` job.
        case received
        /// Passed the check; its variants are stored.
        case accepted
        /// Refused by the check; `rejectionReason` says why, in Spanish.
        case rejected
        /// A later upload took its place (whatever its check found).
        case replaced

        /// Received or accepted: the photo the candidacy currently has.
        public var isCurrent: Bool { self == .received || self == .accepted }
    }

    /// Primary key.
    public var id: UUID
    /// The candidacy whose photo it is.
    public var candidacyID: String
    /// SHA-256 of the original upload (its blob address), 64 lowercase hex digits.
    public var sha256: String
    /// Size of the original upload, in bytes.
    public var byteCount: Int
    /// `image/jpeg` or `image/png`, by content.
    public var contentType: String
    /// Width once upright, in pixels; set when accepted.
    public var width: Int?
    /// Height once upright, in pixels; set when accepted.
    public var height: Int?
    /// The day the photo was taken: the declared one at upload, the EXIF one once accepted
    /// when the file has it.
    public var takenOn: LocalDate?
    /// Where `takenOn` comes from (nil when `takenOn` is nil).
    public var takenOnSource: PhotoReference.DateSource?
    /// The check's outcome so far.
    public var status: Status
    /// Why the check refused it (Spanish, shown to the person); only when rejected.
    public var rejectionReason: String?
    /// Id of the account (or job kind) that uploaded it.
    public var uploadedBy: String
    /// When it was uploaded.
    public var uploadedAt: Date
    /// When the check decided (accepted or rejected).
    public var checkedAt: Date?
    /// The published renditions, by kind (empty until accepted).
    public var variants: [StoredPhotoVariant]

    /// The variant of `kind`, or nil.
    public func variant(_ kind: StoredPhotoVariant.Kind) -> StoredPhotoVariant? {
        variants.first { $0.kind == kind }
    }
}
