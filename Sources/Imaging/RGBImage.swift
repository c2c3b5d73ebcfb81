import CImagingShim

/// Decoded 8-bit RGB pixels owned by the C shim's allocator, freed when this object goes away.
/// Internal: pixels never leave the module, only JPEG bytes do.
final class RGBImage {
    private var raw: cimg_image

    /// Takes ownership of pixels the shim allocated.
    init(taking raw: cimg_image) {
        self.raw = raw
    }

    deinit {
        cimg_image_free(&raw)
    }

    var size: PixelSize { PixelSize(width: Int(raw.width), height: Int(raw.height)) }

    /// Decodes a JPEG at the smallest DCT scale that still covers `minimum`.
    static func decodeJPEG(_ bytes: [UInt8], covering minimum: PixelSize, maxMemory: Int) throws(ShimFailure) -> RGBImage {
        var out = cimg_image()
        try ShimFailure.check { error in
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return CIMG_ERR_TRUNCATED }
                return cimg_jpeg_decode(
                    base, buffer.count, UInt32(clamping: minimum.width),
                    UInt32(clamping: minimum.height), maxMemory, &out, error)
            }
        }
        return RGBImage(taking: out)
    }

    /// Decodes a PNG row by row, alpha composited on white, reduced by the largest integer box
    /// factor that still covers `minimum`; refuses more than `maxPixels`.
    static func decodePNG(_ bytes: [UInt8], covering minimum: PixelSize, maxPixels: Int) throws(ShimFailure) -> RGBImage {
        var out = cimg_image()
        try ShimFailure.check { error in
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return CIMG_ERR_TRUNCATED }
                return cimg_png_decode(
                    base, buffer.count, UInt64(maxPixels), UInt32(clamping: minimum.width),
                    UInt32(clamping: minimum.height), &out, error)
            }
        }
        return RGBImage(taking: out)
    }

    /// A resampled copy (a plain copy when the size is unchanged).
    func resized(to target: PixelSize) throws(ShimFailure) -> RGBImage {
        if target == size { return self }
        var out = cimg_image()
        try ShimFailure.check { error in
            cimg_resize(&raw, UInt32(clamping: target.width), UInt32(clamping: target.height), &out, error)
        }
        return RGBImage(taking: out)
    }

    /// An upright copy for an EXIF orientation (the image itself for 1).
    func oriented(_ orientation: Int) throws(ShimFailure) -> RGBImage {
        if orientation == 1 { return self }
        var out = cimg_image()
        try ShimFailure.check { error in cimg_orient(&raw, Int32(orientation), &out, error) }
        return RGBImage(taking: out)
    }

    /// JPEG bytes with no metadata but JFIF's APP0.
    func jpeg(quality: Int, progressive: Bool) throws(ShimFailure) -> [UInt8] {
        var buffer = cimg_buffer()
        defer { cimg_buffer_free(&buffer) }
        try ShimFailure.check { error in
            cimg_jpeg_encode(&raw, Int32(quality), progressive ? 1 : 0, &buffer, error)
        }
        guard let bytes = buffer.bytes else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: buffer.size))
    }
}
