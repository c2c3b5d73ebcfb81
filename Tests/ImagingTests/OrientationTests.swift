import Imaging
import Testing

@Suite("EXIF orientation is applied to the pixels")
struct OrientationTests {
    /// A 2:1 landscape image, left half red, right half blue.
    static func halves(width: Int = 64, height: Int = 32) -> [UInt8] {
        var pixels: [UInt8] = []
        for _ in 0..<height {
            for x in 0..<width { pixels += x < width / 2 ? [230, 20, 20] : [20, 20, 230] }
        }
        return pixels
    }

    static func isRed(_ p: ArraySlice<UInt8>) -> Bool { p[p.startIndex] > 150 && p[p.startIndex + 2] < 100 }
    static func isBlue(_ p: ArraySlice<UInt8>) -> Bool { p[p.startIndex + 2] > 150 && p[p.startIndex] < 100 }

    @Test("A 2:1 image with orientation 6 comes out portrait, its left half on top")
    func rotatesClockwise() throws {
        let app1 = ExifFixtures.app1(orientation: 6)
        let bytes = Fixtures.jpeg(width: 64, height: 32, pixels: Self.halves(), app1: app1)
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.size == PixelSize(width: 32, height: 64))
        let out = try #require(Fixtures.decodeJPEG(photo.profile.jpeg))
        #expect(out.width == 32 && out.height == 64)
        func pixel(_ x: Int, _ y: Int) -> ArraySlice<UInt8> { out.pixels[((y * out.width + x) * 3)...].prefix(3) }
        #expect(Self.isRed(pixel(16, 8)))
        #expect(Self.isBlue(pixel(16, 56)))
        let thumbnail = try #require(Fixtures.decodeJPEG(photo.thumbnail.jpeg))
        #expect(thumbnail.height > thumbnail.width)
    }

    @Test("Orientation 8 puts the right half on top; 3 swaps left and right")
    func otherRotations() throws {
        for (orientation, topOrLeftIsRed) in [(8, false), (3, false), (2, false), (4, true)] {
            let bytes = Fixtures.jpeg(width: 64, height: 32, pixels: Self.halves(), app1: ExifFixtures.app1(orientation: UInt16(orientation)))
            let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
            let out = try #require(Fixtures.decodeJPEG(photo.profile.jpeg))
            let probe = orientation >= 5 ? (out.width / 2) * 3 + (8 * out.width) * 3 : (8 * out.width + 8) * 3
            let p = out.pixels[probe...].prefix(3)
            #expect(topOrLeftIsRed ? Self.isRed(p) : Self.isBlue(p), "orientation \(orientation)")
        }
    }

    @Test("A large rotated photo fits the portrait box")
    func largeRotated() throws {
        let bytes = Fixtures.jpeg(width: 1600, height: 1200, quality: 60, app1: ExifFixtures.app1(orientation: 6))
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.size == PixelSize(width: 1200, height: 1600))
        #expect(photo.profile.size == PixelSize(width: 600, height: 800))
        #expect(photo.thumbnail.size == PixelSize(width: 150, height: 200))
    }
}
