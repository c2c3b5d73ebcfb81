/// The two EXIF facts the photo check needs: how to turn the image upright and when it was taken.
struct ExifMetadata: Sendable, Hashable {
    /// EXIF orientation 1...8 (1: upright; 6: turn 90° clockwise; ...). 1 when absent or invalid.
    var orientation: Int
    /// `DateTimeOriginal`, when present and well formed.
    var captureDate: CaptureDate?

    /// Metadata with the given values; the defaults mean "no EXIF".
    init(orientation: Int = 1, captureDate: CaptureDate? = nil) {
        self.orientation = orientation
        self.captureDate = captureDate
    }

    /// Whether width and height swap when the orientation is applied (5...8).
    var swapsDimensions: Bool { orientation >= 5 }
}
