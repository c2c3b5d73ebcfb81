/// One published rendition of a photo: progressive JPEG bytes with no metadata, upright.
public struct PhotoVariant: Sendable, Hashable {
    /// Width and height in pixels, upright.
    public let size: PixelSize
    /// The JPEG file (JFIF APP0 is its only marker segment besides the image's own tables).
    public let jpeg: [UInt8]

    /// A variant of `size` pixels whose bytes are `jpeg`.
    public init(size: PixelSize, jpeg: [UInt8]) {
        self.size = size
        self.jpeg = jpeg
    }
}
