/// A width and height in pixels: an image's dimensions or a bounding box for a variant.
public struct PixelSize: Sendable, Hashable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A size of `width` x `height` pixels.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Number of pixels (width x height).
    public var pixelCount: Int { width * height }

    /// The same size with width and height swapped (an image turned a quarter).
    public var transposed: PixelSize { PixelSize(width: height, height: width) }

    /// The largest size with this aspect ratio that fits in `box`; the size itself when it
    /// already fits (images are never enlarged). Never smaller than 1 x 1.
    public func fitting(in box: PixelSize) -> PixelSize {
        guard width > box.width || height > box.height else { return self }
        let factor = min(Double(box.width) / Double(width), Double(box.height) / Double(height))
        return PixelSize(
            width: min(box.width, max(1, Int((Double(width) * factor).rounded()))),
            height: min(box.height, max(1, Int((Double(height) * factor).rounded())))
        )
    }

    /// "600 × 800".
    public var description: String { "\(width) × \(height)" }
}
