/// The two EXIF facts the photo check needs: how to turn the image upright and when it was taken.
public struct ExifMetadata: Sendable, Hashable {
    /// EXIF orientation 1...8 (1: upright; 6: turn 90° clockwise; ...). 1 when absent or invalid.
    public var orientation: Int
    /// `DateTimeOriginal`, when present and well formed.
    public var captureDate: CaptureDate?

    /// Metadata with the given values; the defaults mean "no EXIF".
    public init(orientation: Int = 1, captureDate: CaptureDate? = nil) {
        self.orientation = orientation
        self.captureDate = captureDate
    }

    /// Whether width and height swap when the orientation is applied (5...8).
    public var swapsDimensions: Bool { orientation >= 5 }
}
