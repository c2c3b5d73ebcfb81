/// The two formats a candidacy photo may have, recognised by content (magic bytes), never by name.
public enum ImageFormat: String, Sendable, Hashable, CustomStringConvertible {
    case jpeg
    case png

    /// The MIME type of the format.
    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    /// "JPEG" or "PNG", as people write them.
    public var description: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        }
    }
}
