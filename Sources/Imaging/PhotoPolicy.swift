/// The limits a candidacy photo is checked against, and the variants made from it.
///
/// Every value has a default suited to the Jalisco 2023-2024 process; an electoral body may
/// change them in `config/processes/*.yaml` (the configuration layer builds this value and
/// calls `validate()` at start-up).
public struct PhotoPolicy: Sendable, Hashable {
    /// Largest accepted file, in bytes, checked before anything is decoded.
    ///
    /// Default 716,800 bytes: the work plan says "menor a 700 KB", read with KB = 1,024 bytes
    /// as Windows and macOS Finder's "KB" column show it to the person choosing the file. The
    /// stricter decimal reading (700,000) would refuse files the person's computer shows as
    /// "684 KB"; the difference (16,800 bytes) is irrelevant to storage.
    public var maxBytes: Int
    /// Largest accepted image, in pixels (width x height as the header declares it), checked
    /// before any pixel is decoded so a small file cannot declare a huge image (decompression
    /// bomb). Default 40,000,000: above any phone camera up to 40 MP; larger files would not
    /// fit 700 KB at a usable quality anyway. Neither format is held whole at this size: a JPEG
    /// is decoded at a reduced DCT scale (but see `maxCoefficientBytes`), a PNG row by row with
    /// a box reduction.
    public var maxPixels: Int
    /// Most memory, in bytes, the JPEG decoder may keep for a file's DCT coefficients. Only a
    /// multi-scan JPEG (progressive, mostly) needs it: libjpeg must hold every coefficient of
    /// the whole image, whatever the output scale (2 bytes each: 3 bytes per pixel at 4:2:0
    /// chroma, 6 at 4:4:4), while a baseline JPEG streams in a few rows. Checked from the header
    /// before decoding. Default 25,165,824 (24 MiB): a progressive 8-megapixel 4:2:0 photo
    /// (3264 x 2448: 23,970,816 bytes) passes, and the `conoceles` process (about 31 MB before
    /// any photo) stays under 64 MB; larger progressive files are refused with a message that
    /// says how to save them (docs/BENCHMARKS.md, "Photos", has the measurements).
    public var maxCoefficientBytes: Int
    /// Box the profile variant fits within, aspect kept, never enlarged. Default 600 x 800.
    public var profileSize: PixelSize
    /// Box the thumbnail fits within, aspect kept, never enlarged. Default 150 x 200.
    public var thumbnailSize: PixelSize
    /// JPEG quality of the variants, 1...100. Default 85.
    public var jpegQuality: Int
    /// A capture date older than this many months before the publication date flags the
    /// photo. Default 3 (the work plan's rule).
    public var maxCaptureAgeMonths: Int

    /// A policy; every argument defaults to the documented default.
    public init(
        maxBytes: Int = 716_800,
        maxPixels: Int = 40_000_000,
        maxCoefficientBytes: Int = 24 << 20,
        profileSize: PixelSize = PixelSize(width: 600, height: 800),
        thumbnailSize: PixelSize = PixelSize(width: 150, height: 200),
        jpegQuality: Int = 85,
        maxCaptureAgeMonths: Int = 3
    ) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.maxCoefficientBytes = maxCoefficientBytes
        self.profileSize = profileSize
        self.thumbnailSize = thumbnailSize
        self.jpegQuality = jpegQuality
        self.maxCaptureAgeMonths = maxCaptureAgeMonths
    }

    /// Why a policy is unusable: the field at fault and a Spanish explanation.
    public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The field at fault (`maxBytes`, `profileSize`, ...).
        public let field: String
        /// What is wrong, in Spanish.
        public let message: String
        /// "field: message".
        public var description: String { "\(field): \(message)" }
    }

    /// Throws when a value is out of range: sizes and limits must be positive, quality 1...100,
    /// variant boxes at most 65,500 pixels a side (JPEG's limit), the thumbnail box no larger
    /// than the profile box.
    public func validate() throws(ValidationError) {
        func fail(_ field: String, _ message: String) -> ValidationError {
            ValidationError(field: field, message: message)
        }
        guard maxBytes > 0 else { throw fail("maxBytes", "debe ser mayor que cero") }
        guard maxPixels > 0 else { throw fail("maxPixels", "debe ser mayor que cero") }
        guard maxCoefficientBytes > 0 else { throw fail("maxCoefficientBytes", "debe ser mayor que cero") }
        for (field, box) in [("profileSize", profileSize), ("thumbnailSize", thumbnailSize)] {
            guard (1...65_500).contains(box.width), (1...65_500).contains(box.height) else {
                throw fail(field, "cada lado debe medir entre 1 y 65500 píxeles")
            }
        }
        guard thumbnailSize.width <= profileSize.width, thumbnailSize.height <= profileSize.height else {
            throw fail("thumbnailSize", "no puede ser mayor que profileSize")
        }
        guard (1...100).contains(jpegQuality) else { throw fail("jpegQuality", "debe estar entre 1 y 100") }
        guard maxCaptureAgeMonths >= 0 else { throw fail("maxCaptureAgeMonths", "no puede ser negativo") }
    }
}
