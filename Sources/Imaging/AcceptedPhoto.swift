/// A photo that passed every check, with what the profile records and the variants to publish.
public struct AcceptedPhoto: Sendable, Hashable {
    /// Format of the uploaded file, by content.
    public let format: ImageFormat
    /// Dimensions of the uploaded image once upright (EXIF orientation applied).
    public let size: PixelSize
    /// The EXIF orientation that was applied (1 when none).
    public let orientation: Int
    /// EXIF `DateTimeOriginal`, when the file has it. When nil, the person must declare the
    /// capture date (the work plan's rule).
    public let captureDate: CaptureDate?
    /// The oldest capture day accepted without a flag: the publication date minus the policy's
    /// `maxCaptureAgeMonths`.
    public let oldestAcceptedCaptureDay: CalendarDay
    /// Profile variant (fits the policy's `profileSize`), progressive JPEG, no metadata.
    public let profile: PhotoVariant
    /// Thumbnail variant (fits the policy's `thumbnailSize`), progressive JPEG, no metadata.
    public let thumbnail: PhotoVariant

    /// True when the EXIF capture date is older than `oldestAcceptedCaptureDay`: staff should
    /// review the photo (flagged, not refused, since EXIF clocks are often wrong).
    public var isCaptureDateStale: Bool {
        guard let captureDate else { return false }
        return captureDate.day < oldestAcceptedCaptureDay
    }
}
