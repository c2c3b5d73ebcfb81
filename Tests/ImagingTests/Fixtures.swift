import CImagingShim
import Imaging

/// Builds the test corpus in memory: camera-like pixels, JPEGs and PNGs of every kind through
/// the shim's fixture writers, EXIF blocks and hand-made byte buffers.
enum Fixtures {
    /// The default publication date of the tests.
    static let publicationDate = CalendarDay(year: 2024, month: 4, day: 15)!

    /// RGB pixels (3 bytes each): smooth gradients plus deterministic noise, like a photo.
    static func photoPixels(width: Int, height: Int, seed: UInt64 = 1) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let noise = Int(random.next() % 24) - 12
                pixels[i] = UInt8(clamping: x * 255 / max(1, width - 1) + noise)
                pixels[i + 1] = UInt8(clamping: y * 255 / max(1, height - 1) + noise)
                pixels[i + 2] = UInt8(clamping: 128 + (x ^ y) % 64 + noise)
            }
        }
        return pixels
    }

    /// RGB pixels of one colour.
    static func solidPixels(width: Int, height: Int, _ rgb: (UInt8, UInt8, UInt8)) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = rgb
        }
        return pixels
    }

    /// Layouts of `jpeg(...)`.
    enum JPEGLayout: Int32, Sendable, CaseIterable {
        case ycbcr = 0, grayscale = 1, cmyk = 2, ycck = 3
    }

    /// A JPEG of the given pixels (RGB, 3 bytes each), optionally with an APP1 payload.
    static func jpeg(
        width: Int, height: Int, pixels: [UInt8]? = nil, layout: JPEGLayout = .ycbcr,
        progressive: Bool = false, quality: Int = 90, app1: [UInt8]? = nil
    ) -> [UInt8] {
        var source = pixels ?? photoPixels(width: width, height: height)
        var buffer = cimg_buffer()
        var error = cimg_error()
        let status = source.withUnsafeMutableBufferPointer { pixelBuffer in
            var image = cimg_image(pixels: pixelBuffer.baseAddress, width: UInt32(width), height: UInt32(height))
            if let app1 {
                return app1.withUnsafeBufferPointer { marker in
                    cimg_test_jpeg_encode(
                        &image, layout.rawValue, Int32(quality), progressive ? 1 : 0,
                        marker.baseAddress, marker.count, &buffer, &error)
                }
            }
            return cimg_test_jpeg_encode(
                &image, layout.rawValue, Int32(quality), progressive ? 1 : 0,
                nil, 0, &buffer, &error)
        }
        precondition(status == CIMG_OK, "fixture JPEG failed: \(status)")
        defer { cimg_buffer_free(&buffer) }
        return Array(UnsafeBufferPointer(start: buffer.bytes, count: buffer.size))
    }

    /// PNG colour types (IHDR values).
    enum PNGColor: Int32, Sendable {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
    }

    /// A PNG of RGBA pixels (4 bytes each; photo-like and opaque by default).
    static func png(
        width: Int, height: Int, rgba: [UInt8]? = nil, color: PNGColor = .rgb, bitDepth: Int = 8,
        interlaced: Bool = false
    ) -> [UInt8] {
        let pixels = rgba ?? opaque(photoPixels(width: width, height: height))
        var buffer = cimg_buffer()
        var error = cimg_error()
        let status = pixels.withUnsafeBufferPointer { rgbaBuffer in
            cimg_test_png_encode(
                rgbaBuffer.baseAddress!, UInt32(width), UInt32(height), color.rawValue,
                Int32(bitDepth), interlaced ? 1 : 0, &buffer, &error)
        }
        precondition(status == CIMG_OK, "fixture PNG failed: \(status)")
        defer { cimg_buffer_free(&buffer) }
        return Array(UnsafeBufferPointer(start: buffer.bytes, count: buffer.size))
    }

    /// RGB to RGBA with the given alpha.
    static func opaque(_ rgb: [UInt8], alpha: UInt8 = 255) -> [UInt8] {
        var rgba: [UInt8] = []
        rgba.reserveCapacity(rgb.count / 3 * 4)
        for i in stride(from: 0, to: rgb.count, by: 3) {
            rgba += [rgb[i], rgb[i + 1], rgb[i + 2], alpha]
        }
        return rgba
    }

    /// Decodes JPEG bytes to RGB at full size through the shim (to inspect output pixels).
    static func decodeJPEG(_ bytes: [UInt8]) -> (width: Int, height: Int, pixels: [UInt8])? {
        var image = cimg_image()
        var error = cimg_error()
        let status = bytes.withUnsafeBufferPointer { buffer in
            cimg_jpeg_decode(buffer.baseAddress!, buffer.count, UInt32.max, UInt32.max, 0, &image, &error)
        }
        guard status == CIMG_OK, let pixels = image.pixels else { return nil }
        defer { cimg_image_free(&image) }
        let count = Int(image.width) * Int(image.height) * 3
        return (Int(image.width), Int(image.height), Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Inserts whole marker segments (marker, payload) right after a JPEG's SOI.
    static func insertingSegments(_ segments: [(UInt8, [UInt8])], into jpeg: [UInt8]) -> [UInt8] {
        var result = Array(jpeg[0..<2])
        for (marker, payload) in segments {
            let length = payload.count + 2
            result += [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        }
        return result + jpeg[2...]
    }

    /// Offset of the first SOF marker's height field (SOF0...SOF2), to write lying dimensions.
    static func sofDimensionsOffset(in jpeg: [UInt8]) -> Int? {
        var i = 2
        while i + 4 < jpeg.count {
            guard jpeg[i] == 0xFF else { return nil }
            let marker = jpeg[i + 1]
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if (0xC0...0xC2).contains(marker) { return i + 5 }
            i += 2 + length
        }
        return nil
    }

    /// A JPEG whose SOF declares `width` x `height` (the scan data stays that of a small image).
    static func jpegDeclaring(width: Int, height: Int, progressive: Bool = false) -> [UInt8] {
        var bytes = jpeg(width: 16, height: 16, progressive: progressive)
        let at = sofDimensionsOffset(in: bytes)!
        bytes[at] = UInt8(height >> 8)
        bytes[at + 1] = UInt8(height & 0xFF)
        bytes[at + 2] = UInt8(width >> 8)
        bytes[at + 3] = UInt8(width & 0xFF)
        return bytes
    }

    /// A PNG whose IHDR declares `width` x `height`, with a correct CRC (so only the dimension
    /// check can refuse it).
    static func pngDeclaring(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes = png(width: 16, height: 16)
        // Signature (8) + length (4) + "IHDR" (4): width at 16, height at 20, CRC at 29.
        for (offset, value) in [(16, width), (20, height)] {
            for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(k))) }
        }
        let crc = CRC32.checksum(bytes[12..<29])
        for k in 0..<4 { bytes[29 + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(k))) }
        return bytes
    }

    /// Inserts a PNG chunk right after IHDR (computing its CRC).
    static func insertingChunk(type: String, data: [UInt8], into png: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let length = UInt32(data.count)
        var chunk = (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * UInt32($0))) }
        chunk += typeBytes + data
        let crc = CRC32.checksum(chunk[4...])
        chunk += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32($0))) }
        let afterIHDR = 8 + 25
        return Array(png[0..<afterIHDR]) + chunk + png[afterIHDR...]
    }
}

/// CRC-32 as PNG uses it.
enum CRC32 {
    static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// SplitMix64: a small seeded generator, so every randomized test is reproducible.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
