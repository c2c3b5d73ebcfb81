import CImagingShim

/// Checks a candidacy photo against a `PhotoPolicy` and makes its published variants.
///
/// Pure and in-memory: bytes in, verdict (with JPEG bytes) out; safe to call concurrently.
/// The order of the checks is the order of their cost, so hostile input is refused cheaply:
/// size, format by magic bytes, header dimensions (decompression bombs) and decoder memory, then
/// one decode already reduced to about the profile variant's size (libjpeg's DCT scaling; a box
/// filter over a PNG's rows), resampling, orientation and encoding. Memory stays small whatever
/// the dimensions: see `PhotoPolicy.maxCoefficientBytes`.
public enum PhotoChecker {
    /// Checks `bytes` and returns the verdict; never throws or traps on any input.
    ///
    /// - Parameters:
    ///   - bytes: the uploaded file, whole.
    ///   - policy: limits and variant sizes (defaults: 700 KB, 40 MP, 600x800 and 150x200, q85).
    ///   - publicationDate: the process's first publication day; a capture date more than
    ///     `policy.maxCaptureAgeMonths` before it flags the photo.
    public static func check(
        _ bytes: [UInt8], policy: PhotoPolicy = PhotoPolicy(), publicationDate: CalendarDay
    ) -> PhotoVerdict {
        do {
            return .accepted(try accept(bytes, policy: policy, publicationDate: publicationDate))
        } catch {
            return .refused(error)
        }
    }

    /// Like `check`, but throws the refusal: handy where a refused photo fails a job.
    public static func accept(
        _ bytes: [UInt8], policy: PhotoPolicy = PhotoPolicy(), publicationDate: CalendarDay
    ) throws(PhotoRefusal) -> AcceptedPhoto {
        let plan = try plan(bytes, policy: policy)
        let decoded = try decode(bytes, plan, policy: policy)
        let exif = plan.exif
        do {
            let profileImage = try decoded.resized(to: plan.profileTarget)
            let thumbnailImage = try profileImage.resized(to: plan.thumbnailTarget)
            let profile = try variant(profileImage, orientation: exif.orientation, quality: policy.jpegQuality)
            let thumbnail = try variant(thumbnailImage, orientation: exif.orientation, quality: policy.jpegQuality)
            return AcceptedPhoto(
                format: plan.format,
                size: plan.upright,
                orientation: exif.orientation,
                captureDate: exif.captureDate,
                oldestAcceptedCaptureDay: publicationDate.addingMonths(-policy.maxCaptureAgeMonths),
                profile: profile,
                thumbnail: thumbnail)
        } catch {
            throw .processingFailed(detail: error.message)
        }
    }

    /// What the cheap checks learn before any pixel is decoded.
    struct Plan {
        let format: ImageFormat
        let exif: ExifMetadata
        /// The image's size once upright.
        let upright: PixelSize
        /// The variants' sizes in the file's stored orientation (resampling happens before
        /// orientation, on the small image).
        let profileTarget: PixelSize
        let thumbnailTarget: PixelSize
    }

    /// Size, format by magic bytes, header dimensions (decompression bombs), PNG chunk walk and
    /// EXIF: everything that is checked before decoding, cheapest first.
    static func plan(_ bytes: [UInt8], policy: PhotoPolicy) throws(PhotoRefusal) -> Plan {
        let format = try screen(bytes, policy: policy)
        let header = try decoding(format) { () throws(ShimFailure) in try readHeader(bytes, format) }
        let stored = header.size
        guard stored.pixelCount <= policy.maxPixels else { throw .tooManyPixels(stored, limit: policy.maxPixels) }
        guard header.coefficientBytes <= policy.maxCoefficientBytes else {
            throw .progressiveTooLarge(stored, bytes: header.coefficientBytes, limit: policy.maxCoefficientBytes)
        }

        let pngChunks = format == .png ? PNGChunks(bytes) : nil
        if let pngChunks, !pngChunks.reachesEnd {
            throw .truncated(.png, detail: "no IEND chunk")
        }
        let exif = exifMetadata(bytes, format, pngChunks: pngChunks)
        let upright = exif.swapsDimensions ? stored.transposed : stored
        func storedTarget(_ box: PixelSize) -> PixelSize {
            let fitted = upright.fitting(in: box)
            return exif.swapsDimensions ? fitted.transposed : fitted
        }
        return Plan(
            format: format, exif: exif, upright: upright,
            profileTarget: storedTarget(policy.profileSize),
            thumbnailTarget: storedTarget(policy.thumbnailSize))
    }

    /// The one decode of the pixels, already reduced to about the smallest size that covers the
    /// profile variant: a JPEG by libjpeg's DCT scaling, a PNG by a box filter as its rows arrive.
    static func decode(_ bytes: [UInt8], _ plan: Plan, policy: PhotoPolicy) throws(PhotoRefusal) -> RGBImage {
        try decoding(plan.format) { () throws(ShimFailure) in
            switch plan.format {
            case .jpeg:
                // libjpeg's own buffers: the coefficients (checked in `plan`) plus a few rows.
                try RGBImage.decodeJPEG(bytes, covering: plan.profileTarget, maxMemory: policy.maxCoefficientBytes + (8 << 20))
            case .png:
                try RGBImage.decodePNG(bytes, covering: plan.profileTarget, maxPixels: policy.maxPixels)
            }
        }
    }

    /// Reads the EXIF block of a JPEG (APP1) or PNG (eXIf); no EXIF means orientation 1, no date.
    private static func exifMetadata(_ bytes: [UInt8], _ format: ImageFormat, pngChunks: PNGChunks?) -> ExifMetadata {
        let payload =
            switch format {
            case .jpeg: JPEGSegments.exifPayload(in: bytes)
            case .png: (pngChunks ?? PNGChunks(bytes)).exifPayload
            }
        return payload.map(ExifReader.read) ?? ExifMetadata()
    }

    /// What a header declares: dimensions, and the coefficient memory a multi-scan JPEG needs.
    private struct Header {
        var size: PixelSize
        var coefficientBytes: Int
    }

    /// The header, read by libjpeg/libpng without decoding pixels.
    private static func readHeader(_ bytes: [UInt8], _ format: ImageFormat) throws(ShimFailure) -> Header {
        var header = Header(size: PixelSize(width: 0, height: 0), coefficientBytes: 0)
        try ShimFailure.check { error in
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return CIMG_ERR_TRUNCATED }
                switch format {
                case .jpeg:
                    var info = cimg_jpeg_info()
                    let status = cimg_jpeg_read_info(base, buffer.count, &info, error)
                    header = Header(
                        size: PixelSize(width: Int(info.width), height: Int(info.height)),
                        coefficientBytes: Int(clamping: info.coefficient_bytes))
                    return status
                case .png:
                    var info = cimg_png_info()
                    let status = cimg_png_read_info(base, buffer.count, &info, error)
                    header.size = PixelSize(width: Int(info.width), height: Int(info.height))
                    return status
                }
            }
        }
        return header
    }

    private static func variant(_ image: RGBImage, orientation: Int, quality: Int) throws(ShimFailure) -> PhotoVariant {
        let upright = try image.oriented(orientation)
        return PhotoVariant(size: upright.size, jpeg: try upright.jpeg(quality: quality, progressive: true))
    }

    private static func decoding<T>(_ format: ImageFormat, _ body: () throws(ShimFailure) -> T) throws(PhotoRefusal) -> T {
        do {
            return try body()
        } catch {
            throw error.refusal(decoding: format)
        }
    }
}
