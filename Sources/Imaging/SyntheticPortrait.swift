import CImagingShim

/// A synthetic head-and-shoulders "photo" for demo elections and end-to-end tests: a lit
/// background, shoulders and a face, with fine grain so it compresses like a photo, not like
/// flat colour. Deterministic for a seed. Not a person; never published as one.
public enum SyntheticPortrait {
    /// A baseline JPEG of `width` x `height` (3:4 by default) for `seed`.
    public static func jpeg(seed: UInt64, width: Int = 600, height: Int = 800, quality: Int = 85) throws -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let background = (Double(next() % 120) + 100, Double(next() % 120) + 100, Double(next() % 120) + 110)
        let clothing = (Double(next() % 150) + 20, Double(next() % 150) + 20, Double(next() % 150) + 20)
        let skin = [(224.0, 187.0, 158.0), (198.0, 150.0, 114.0), (160.0, 112.0, 80.0), (120.0, 82.0, 57.0)][Int(next() % 4)]
        let hair = [(30.0, 24.0, 20.0), (70.0, 48.0, 30.0), (120.0, 90.0, 60.0), (180.0, 180.0, 180.0)][Int(next() % 4)]
        let cx = Double(width) / 2, headY = Double(height) * 0.38
        let headRX = Double(width) * 0.17, headRY = Double(height) * 0.16
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let fx = Double(x), fy = Double(y)
                let light = 1.0 - 0.35 * fy / Double(height)
                var colour = (background.0 * light, background.1 * light, background.2 * light)
                let shoulders =
                    fy > Double(height) * 0.62
                    && abs(fx - cx) < Double(width) * (0.18 + 0.6 * (fy - Double(height) * 0.62) / Double(height))
                if shoulders { colour = clothing }
                let dx = (fx - cx) / headRX, dy = (fy - headY) / headRY
                if dx * dx + dy * dy < 1 {
                    let shade = 1.0 - 0.25 * max(0, dx)
                    colour = (skin.0 * shade, skin.1 * shade, skin.2 * shade)
                    if dy < -0.45 { colour = hair }
                }
                let neck = abs(fx - cx) < headRX * 0.45 && fy > headY && fy < Double(height) * 0.64
                if neck && !(dx * dx + dy * dy < 1) && !shoulders { colour = (skin.0 * 0.85, skin.1 * 0.85, skin.2 * 0.85) }
                let grain = Double(Int(next() % 17) - 8)
                let i = (y * width + x) * 3
                pixels[i] = UInt8(max(0, min(255, colour.0 + grain)))
                pixels[i + 1] = UInt8(max(0, min(255, colour.1 + grain)))
                pixels[i + 2] = UInt8(max(0, min(255, colour.2 + grain)))
            }
        }
        var buffer = cimg_buffer()
        defer { cimg_buffer_free(&buffer) }
        try pixels.withUnsafeMutableBufferPointer { pointer throws(ShimFailure) in
            var image = cimg_image(pixels: pointer.baseAddress, width: UInt32(width), height: UInt32(height))
            try ShimFailure.check { error in cimg_jpeg_encode(&image, Int32(quality), 0, &buffer, error) }
        }
        guard let bytes = buffer.bytes else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: buffer.size))
    }
}
