import CImagingShim

/// Real image files for tests, made by libjpeg through the imaging shim's fixture writer.
public enum TestImages {
    /// A baseline JPEG of `width` x `height` camera-like pixels, with an EXIF APP1 segment
    /// holding `takenAt` (`YYYY:MM:DD HH:MM:SS`) as DateTimeOriginal when given.
    public static func jpeg(width: Int = 900, height: Int = 1200, takenAt: String? = nil) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (UInt8(x * 255 / width), UInt8(y * 255 / height), UInt8((x ^ y) & 0xFF))
            }
        }
        let app1 = takenAt.map(exif) ?? []
        var buffer = cimg_buffer()
        var error = cimg_error()
        let status = pixels.withUnsafeMutableBufferPointer { pixelBuffer in
            var image = cimg_image(pixels: pixelBuffer.baseAddress, width: UInt32(width), height: UInt32(height))
            return app1.withUnsafeBufferPointer { marker in
                cimg_test_jpeg_encode(&image, 0, 90, 0, app1.isEmpty ? nil : marker.baseAddress, marker.count, &buffer, &error)
            }
        }
        precondition(status == CIMG_OK, "fixture JPEG failed: \(status)")
        defer { cimg_buffer_free(&buffer) }
        return Array(UnsafeBufferPointer(start: buffer.bytes, count: buffer.size))
    }

    /// "Exif\0\0" + a little-endian TIFF whose IFD0 points to an EXIF IFD with DateTimeOriginal.
    public static func exif(_ dateTimeOriginal: String) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let text = Array(dateTimeOriginal.utf8) + [0]
        // Header (8) | IFD0: 1 entry (18) at 8 | EXIF IFD: 1 entry (18) at 26 | text at 44.
        let tiff =
            Array("II".utf8) + u16(42) + u32(8)
            + u16(1) + u16(0x8769) + u16(4) + u32(1) + u32(26) + u32(0)
            + u16(1) + u16(0x9003) + u16(2) + u32(text.count) + u32(44) + u32(0)
            + text
        return Array("Exif".utf8) + [0, 0] + tiff
    }

}
