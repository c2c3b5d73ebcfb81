import Imaging
import Testing

/// The limits that keep a worker's memory small whatever the declared dimensions.
@Suite("Decoder memory stays bounded")
struct DecoderMemoryTests {
    @Test("A progressive JPEG whose coefficients exceed the budget is refused before decoding; the same size in baseline passes")
    func progressiveBudget() throws {
        // 64x48 at 4:2:0: 48 luma blocks and 12 per chroma component, 128 bytes each = 9,216 bytes.
        let policy = PhotoPolicy(maxCoefficientBytes: 9_000)
        let progressive = Fixtures.jpeg(width: 64, height: 48, progressive: true)
        let refusal = try #require(PhotoChecker.check(progressive, policy: policy, publicationDate: Fixtures.publicationDate).refusal)
        #expect(refusal.code == .tooManyPixels)
        #expect(refusal.message.contains("JPEG progresivo"))
        #expect(refusal.message.contains("no progresivo"))

        let baseline = Fixtures.jpeg(width: 64, height: 48, progressive: false)
        #expect(PhotoChecker.check(baseline, policy: policy, publicationDate: Fixtures.publicationDate).accepted != nil)
        #expect(PhotoChecker.check(progressive, policy: PhotoPolicy(maxCoefficientBytes: 9_216), publicationDate: Fixtures.publicationDate).accepted != nil)
    }

    @Test("A large PNG is box-reduced as it is read and keeps its colours and edges", arguments: [false, true])
    func pngReducedWhileReading(interlaced: Bool) throws {
        // 1900x1500 fits the profile box as 600x474: read reduced by 3 (634x500), then resampled.
        var rgba: [UInt8] = []
        rgba.reserveCapacity(1900 * 1500 * 4)
        for y in 0..<1500 {
            for x in 0..<1900 {
                rgba += y < 750 ? [250, 250, 250, 255] : (x < 950 ? [40, 120, 200, 255] : [200, 30, 30, 0])
            }
        }
        let bytes = Fixtures.png(width: 1900, height: 1500, rgba: rgba, color: .rgba, interlaced: interlaced)
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.size == PixelSize(width: 1900, height: 1500))
        #expect(photo.profile.size == PixelSize(width: 600, height: 474))
        let out = try #require(Fixtures.decodeJPEG(photo.profile.jpeg))
        func pixel(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(out.pixels[(y * out.width + x) * 3 + $0]) } }
        // Top white, bottom left blue, bottom right transparent (white).
        for (probe, expected) in [((300, 100), [250, 250, 250]), ((100, 400), [40, 120, 200]), ((500, 400), [255, 255, 255])] {
            let got = pixel(probe.0, probe.1)
            #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 5 }, "\(probe): \(got)")
        }
    }

    @Test("A PNG whose fitted height rounds to one pixel is reduced and accepted (no endless search for the factor)")
    func extremeAspectPNG() throws {
        let bytes = Fixtures.png(width: 3000, height: 2)
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.profile.size == PixelSize(width: 600, height: 1))
        #expect(photo.thumbnail.size == PixelSize(width: 150, height: 1))
    }
}
