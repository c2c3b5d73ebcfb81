import Imaging
import Testing

@Suite("Malformed files are refused with the right reason")
struct MalformedCorpusTests {
    static let date = Fixtures.publicationDate

    @Test("Truncated JPEGs (baseline and progressive) are refused as truncated", arguments: [false, true])
    func truncatedJPEG(progressive: Bool) {
        let whole = Fixtures.jpeg(width: 64, height: 64, progressive: progressive)
        for keep in [whole.count / 2, whole.count - 10, whole.count - 2] {
            let refusal = PhotoChecker.check(Array(whole[0..<keep]), publicationDate: Self.date).refusal
            #expect(refusal?.code == .truncated, "kept \(keep) of \(whole.count): \(String(describing: refusal))")
        }
    }

    @Test("A JPEG cut inside its header is refused")
    func truncatedHeader() {
        let whole = Fixtures.jpeg(width: 64, height: 64)
        for keep in [3, 4, 20, 100] {
            let refusal = PhotoChecker.check(Array(whole[0..<keep]), publicationDate: Self.date).refusal
            #expect(refusal?.code == .truncated || refusal?.code == .corrupt, "kept \(keep)")
        }
    }

    @Test("Truncated PNGs are refused", arguments: [false, true])
    func truncatedPNG(interlaced: Bool) {
        let whole = Fixtures.png(width: 64, height: 64, interlaced: interlaced)
        for keep in [20, 40, whole.count / 2, whole.count - 12] {
            let refusal = PhotoChecker.check(Array(whole[0..<keep]), publicationDate: Self.date).refusal
            #expect(refusal?.code == .truncated || refusal?.code == .corrupt, "kept \(keep)")
        }
    }

    @Test("A JPEG whose header declares more pixels than its data holds is refused")
    func lyingJPEGHeader() {
        for progressive in [false, true] {
            let bytes = Fixtures.jpegDeclaring(width: 2000, height: 1500, progressive: progressive)
            let refusal = PhotoChecker.check(bytes, publicationDate: Self.date).refusal
            #expect(refusal?.code == .truncated || refusal?.code == .corrupt, "\(String(describing: refusal))")
        }
    }

    @Test("A PNG whose IHDR declares more pixels than its data holds is refused")
    func lyingPNGHeader() {
        let refusal = PhotoChecker.check(Fixtures.pngDeclaring(width: 300, height: 300), publicationDate: Self.date).refusal
        #expect(refusal?.code == .truncated || refusal?.code == .corrupt)
    }

    @Test("Huge declared dimensions are refused before decoding")
    func decompressionBombs() {
        let jpeg = Fixtures.jpegDeclaring(width: 65_000, height: 65_000)
        let jpegRefusal = PhotoChecker.check(jpeg, publicationDate: Self.date).refusal
        #expect(jpegRefusal?.code == .tooManyPixels)
        #expect(jpegRefusal?.message.contains("65000 × 65000") == true)
        #expect(jpegRefusal?.message.contains("40 megapíxeles") == true)

        let png = Fixtures.pngDeclaring(width: 100_000, height: 100_000)
        #expect(PhotoChecker.check(png, publicationDate: Self.date).refusal?.code == .tooManyPixels)

        // Just above a small policy limit, same file: refused; at the limit: decoding is tried.
        let small = PhotoPolicy(maxPixels: 16 * 16 - 1)
        let tiny = Fixtures.jpeg(width: 16, height: 16)
        #expect(PhotoChecker.check(tiny, policy: small, publicationDate: Self.date).refusal?.code == .tooManyPixels)
        #expect(PhotoChecker.check(tiny, policy: PhotoPolicy(maxPixels: 256), publicationDate: Self.date).accepted != nil)
    }

    @Test("A PNG with a broken IHDR checksum is refused as corrupt")
    func badCRC() {
        var bytes = Fixtures.png(width: 16, height: 16)
        bytes[29] ^= 0xFF
        #expect(PhotoChecker.check(bytes, publicationDate: Self.date).refusal?.code == .corrupt)
    }

    @Test("Magic bytes alone, or magic followed by garbage, are refused as corrupt or truncated")
    func magicOnly() {
        let cases: [[UInt8]] = [
            [0xFF, 0xD8], [0xFF, 0xD8, 0xFF], [0xFF, 0xD8, 0xFF, 0xE0, 0x00],
            [0xFF, 0xD8] + Array(repeating: 0x41, count: 200),
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 200),
        ]
        for bytes in cases {
            let refusal = PhotoChecker.check(bytes, publicationDate: Self.date).refusal
            #expect(refusal?.code == .corrupt || refusal?.code == .truncated, "\(bytes.prefix(12))")
            #expect(refusal?.message.isEmpty == false)
        }
    }

    @Test("A file over the size limit is refused before anything else, in KB as people read them")
    func tooLarge() {
        let bytes = [UInt8](repeating: 0x47, count: 716_801)  // not even an image: size comes first
        let refusal = PhotoChecker.check(bytes, publicationDate: Self.date).refusal
        #expect(refusal?.code == .tooLarge)
        #expect(refusal?.message.hasPrefix("El archivo pesa 701 KB y el máximo permitido es 700 KB.") == true)
    }

    @Test("Random byte buffers never crash and are refused", arguments: 0..<40)
    func randomBytes(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        let count = Int(random.next() % 4096)
        var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        if seed % 2 == 0, bytes.count > 3 { bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF }
        if seed % 4 == 1, bytes.count > 8 { bytes.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
        #expect(PhotoChecker.check(bytes, publicationDate: Self.date).refusal != nil)
    }
}
