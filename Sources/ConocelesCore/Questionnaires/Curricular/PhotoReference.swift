/// The photo of a profile as the questionnaire refers to it: the blob it is stored as
/// (content-addressed by SHA-256), what the photo check found (format by content, size)
/// and when it was taken (from EXIF when present, otherwise as the person declares).
public struct PhotoReference: Sendable, Hashable, Codable {
    /// Image format detected from the content, never from the file name.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        case jpeg
        case png
    }

    /// Where `takenOn` comes from.
    public enum DateSource: String, Sendable, Hashable, Codable {
        /// The photo's EXIF date.
        case exif
        /// Declared by the person (no EXIF date).
        case declared
    }

    /// Hex SHA-256 of the original upload in the blob store.
    public var sha256: String
    /// Size of the original upload in bytes.
    public var byteCount: Int
    /// Detected format.
    public var format: Format
    /// The day the photo was taken, or nil when neither EXIF nor the person says.
    public var takenOn: LocalDate?
    /// Where `takenOn` comes from.
    public var takenOnSource: DateSource?

    /// A photo reference.
    public init(sha256: String, byteCount: Int, format: Format, takenOn: LocalDate?, takenOnSource: DateSource?) {
        self.sha256 = sha256
        self.byteCount = byteCount
        self.format = format
        self.takenOn = takenOn
        self.takenOnSource = takenOnSource
    }
}
