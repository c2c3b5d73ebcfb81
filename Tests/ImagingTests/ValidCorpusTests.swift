import Imaging
import Testing

@Suite("Valid photos of every kind are accepted")
struct ValidCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let format: ImageFormat
        let size: PixelSize
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        let size = PixelSize(width: 64, height: 48)
        for layout in Fixtures.JPEGLayout.allCases {
            for progressive in [false, true] {
                cases.append(
                    Case(
                        name: "JPEG \(layout) \(progressive ? "progressive" : "baseline")",
                        bytes: Fixtures.jpeg(width: size.width, height: size.height, layout: layout, progressive: progressive),
                        format: .jpeg, size: size))
            }
        }
        let pngKinds: [(Fixtures.PNGColor, [Int])] = [
            (.gray, [1, 2, 4, 8, 16]), (.rgb, [8, 16]), (.palette, [1, 2, 4, 8]),
            (.grayAlpha, [8, 16]), (.rgba, [8, 16]),
        ]
        for (color, depths) in pngKinds {
            for depth in depths {
                for interlaced in [false, true] {
                    cases.append(
                        Case(
                            name: "PNG \(color) \(depth)-bit\(interlaced ? " interlaced" : "")",
                            bytes: Fixtures.png(
                                width: size.width, height: size.height, color: color,
                                bitDepth: depth, interlaced: interlaced),
                            format: .png, size: size))
                }
            }
        }
        return cases
    }()

    @Test("Accepted with its size, variants are progressive JPEGs that decode", arguments: cases)
    func accepted(_ test: Case) throws {
        let photo = try #require(PhotoChecker.check(test.bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.format == test.format)
        #expect(photo.size == test.size)
        #expect(photo.orientation == 1)
        #expect(photo.captureDate == nil)
        #expect(!photo.isCaptureDateStale)
        for variant in [photo.profile, photo.thumbnail] {
            let decoded = try #require(Fixtures.decodeJPEG(variant.jpeg))
            #expect(decoded.width == variant.size.width && decoded.height == variant.size.height)
            #expect(JPEGScan.isProgressive(variant.jpeg))
        }
        #expect(photo.profile.size == test.size)  // never enlarged
        #expect(photo.thumbnail.size == PixelSize(width: 64, height: 48))
    }

    @Test("Large photos are reduced to fit the variant boxes, aspect kept")
    func variantSizes() throws {
        let bytes = Fixtures.jpeg(width: 1200, height: 1600, quality: 70)
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.size == PixelSize(width: 1200, height: 1600))
        #expect(photo.profile.size == PixelSize(width: 600, height: 800))
        #expect(photo.thumbnail.size == PixelSize(width: 150, height: 200))

        let wide = Fixtures.png(width: 1000, height: 250)
        let widePhoto = try #require(PhotoChecker.check(wide, publicationDate: Fixtures.publicationDate).accepted)
        #expect(widePhoto.profile.size == PixelSize(width: 600, height: 150))
        #expect(widePhoto.thumbnail.size == PixelSize(width: 150, height: 38))
    }

    @Test("Downscaling keeps a flat colour flat and edges in place")
    func resamplingQuality() throws {
        var rgba: [UInt8] = []
        for _ in 0..<800 {
            for x in 0..<1000 { rgba += x < 500 ? [40, 120, 200, 255] : [250, 250, 250, 255] }
        }
        let bytes = Fixtures.png(width: 1000, height: 800, rgba: rgba, color: .rgba)
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.profile.size == PixelSize(width: 600, height: 480))
        let out = try #require(Fixtures.decodeJPEG(photo.profile.jpeg))
        func pixel(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(out.pixels[(y * out.width + x) * 3 + $0]) } }
        for (probe, expected) in [((100, 240), [40, 120, 200]), ((500, 10), [250, 250, 250]), ((290, 479), [40, 120, 200])] {
            let got = pixel(probe.0, probe.1)
            #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 4 }, "\(probe): \(got)")
        }
    }

    @Test("Transparent PNG pixels come out white, opaque ones keep their colour")
    func alphaOnWhite() throws {
        var rgba: [UInt8] = []
        for _ in 0..<(32 * 32) { rgba += [200, 0, 0, 0] }  // fully transparent red
        let transparent = Fixtures.png(width: 32, height: 32, rgba: rgba, color: .rgba)
        let photo = try #require(PhotoChecker.check(transparent, publicationDate: Fixtures.publicationDate).accepted)
        let pixels = try #require(Fixtures.decodeJPEG(photo.profile.jpeg)).pixels
        #expect(pixels.allSatisfy { $0 >= 250 })

        let opaqueBlue = Fixtures.png(
            width: 32, height: 32, rgba: Fixtures.opaque(Fixtures.solidPixels(width: 32, height: 32, (0, 0, 255))), color: .palette, bitDepth: 2)
        let bluePhoto = try #require(PhotoChecker.check(opaqueBlue, publicationDate: Fixtures.publicationDate).accepted)
        let blue = try #require(Fixtures.decodeJPEG(bluePhoto.profile.jpeg)).pixels
        #expect(blue[2] > 240 && blue[0] < 15 && blue[1] < 15)
    }

    @Test("CMYK and YCCK JPEGs come out with their colours", arguments: [Fixtures.JPEGLayout.cmyk, .ycck])
    func cmykColours(layout: Fixtures.JPEGLayout) throws {
        let red = Fixtures.jpeg(width: 32, height: 32, pixels: Fixtures.solidPixels(width: 32, height: 32, (220, 20, 30)), layout: layout)
        let photo = try #require(PhotoChecker.check(red, publicationDate: Fixtures.publicationDate).accepted)
        let pixels = try #require(Fixtures.decodeJPEG(photo.profile.jpeg)).pixels
        let center = (16 * 32 + 16) * 3
        #expect(abs(Int(pixels[center]) - 220) < 12)
        #expect(abs(Int(pixels[center + 1]) - 20) < 12)
        #expect(abs(Int(pixels[center + 2]) - 30) < 12)
    }

    @Test("A file exactly at the size limit is accepted, one byte more is refused")
    func sizeLimit() throws {
        let bytes = Fixtures.jpeg(width: 64, height: 64)
        let atLimit = PhotoPolicy(maxBytes: bytes.count)
        #expect(PhotoChecker.check(bytes, policy: atLimit, publicationDate: Fixtures.publicationDate).accepted != nil)
        let below = PhotoPolicy(maxBytes: bytes.count - 1)
        let refusal = PhotoChecker.check(bytes, policy: below, publicationDate: Fixtures.publicationDate).refusal
        #expect(refusal?.code == .tooLarge)
    }
}
