import CImagingShim

/// Checks a candidacy photo against a `PhotoPolicy` and makes its published variants.
///
/// Pure and in-memory: bytes in, verdict (with JPEG bytes) out; safe to call concurrently.
/// The order of the checks is the order of their cost, so hostile input is refused cheaply:
/// size, format by magic bytes, header dimensions (decompression bombs), then one decode at the
/// smallest DCT scale that covers the profile variant, resampling, orientation and encoding.
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
        guard !bytes.isEmpty else { throw .emptyFile }
        guard bytes.count <= policy.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: policy.maxBytes) }

        let format: ImageFormat
        switch FormatSniffer.sniff(bytes) {
        case .supported(let supported): format = supported
        case .other(let name): throw .unsupportedFormat(looksLike: name)
        case .unknown: throw .unsupportedFormat(looksLike: nil)
        }

        let stored = try decoding(format) { () throws(ShimFailure) in try headerSize(bytes, format) }
        guard stored.pixelCount <= policy.maxPixels else { throw .tooManyPixels(stored, limit: policy.maxPixels) }

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
        let profileTarget = storedTarget(policy.profileSize)
        let thumbnailTarget = storedTarget(policy.thumbnailSize)

        let decoded = try decoding(format) { () throws(ShimFailure) in
            switch format {
            case .jpeg:
                // libjpeg's own buffers (a progressive file keeps all its coefficients) are capped
                // well above what any image within maxPixels needs.
                try RGBImage.decodeJPEG(bytes, covering: profileTarget, maxMemory: 8 * policy.maxPixels + (32 << 20))
            case .png:
                try RGBImage.decodePNG(bytes, maxPixels: policy.maxPixels)
            }
        }
        do {
            let profileImage = try decoded.resized(to: profileTarget)
            let thumbnailImage = try profileImage.resized(to: thumbnailTarget)
            let profile = try variant(profileImage, orientation: exif.orientation, quality: policy.jpegQuality)
            let thumbnail = try variant(thumbnailImage, orientation: exif.orientation, quality: policy.jpegQuality)
            return AcceptedPhoto(
                format: format,
                size: upright,
                orientation: exif.orientation,
                captureDate: exif.captureDate,
                oldestAcceptedCaptureDay: publicationDate.addingMonths(-policy.maxCaptureAgeMonths),
                profile: profile,
                thumbnail: thumbnail)
        } catch {
            throw .processingFailed(detail: error.message)
        }
    }

    /// Reads the EXIF block of a JPEG (APP1) or PNG (eXIf); no EXIF means orientation 1, no date.
    private static func exifMetadata(_ bytes: [UInt8], _ format: ImageFormat, pngChunks: PNGChunks?) -> ExifMetadata {
        let payload = switch format {
        case .jpeg: JPEGSegments.exifPayload(in: bytes)
        case .png: (pngChunks ?? PNGChunks(bytes)).exifPayload
        }
        return payload.map(ExifReader.read) ?? ExifMetadata()
    }

    /// Dimensions as the header declares them, read by libjpeg/libpng without decoding pixels.
    private static func headerSize(_ bytes: [UInt8], _ format: ImageFormat) throws(ShimFailure) -> PixelSize {
        var width: UInt32 = 0
        var height: UInt32 = 0
        try ShimFailure.check { error in
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return CIMG_ERR_TRUNCATED }
                switch format {
                case .jpeg:
                    var info = cimg_jpeg_info()
                    let status = cimg_jpeg_read_info(base, buffer.count, &info, error)
                    (width, height) = (info.width, info.height)
                    return status
                case .png:
                    var info = cimg_png_info()
                    let status = cimg_png_read_info(base, buffer.count, &info, error)
                    (width, height) = (info.width, info.height)
                    return status
                }
            }
        }
        return PixelSize(width: Int(width), height: Int(height))
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
