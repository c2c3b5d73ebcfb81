import Imaging
import Testing

@Suite("Published variants carry no metadata")
struct MetadataStrippingTests {
    /// A JPEG full of metadata: EXIF with GPS, XMP, an ICC profile, Photoshop IRB, a comment.
    static func loadedJPEG() -> [UInt8] {
        let exif = ExifFixtures.app1(orientation: 6, dateTimeOriginal: "2024:03:01 10:00:00", gps: true)
        let base = Fixtures.jpeg(width: 96, height: 64, progressive: true, app1: exif)
        return Fixtures.insertingSegments(
            [
                (0xE1, Array("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>20,39.58N</exif:GPSLatitude></x:xmpmeta>".utf8)),
                (0xE2, Array("ICC_PROFILE\0".utf8) + [1, 1] + Array(repeating: 0x11, count: 128)),
                (0xED, Array("Photoshop 3.0\0".utf8) + Array(repeating: 0x22, count: 32)),
                (0xFE, Array("comentario con datos personales".utf8)),
            ], into: base)
    }

    static let forbidden: [[UInt8]] = [
        Array("Exif".utf8), Array("http://ns.adobe.com".utf8), Array("xmpmeta".utf8), Array("ICC_PROFILE".utf8),
        Array("Photoshop".utf8), Array("comentario".utf8), Array("GPS".utf8),
    ]

    static let inputs: [(String, [UInt8])] = [
        ("JPEG with EXIF, GPS, XMP, ICC, IRB, COM", loadedJPEG()),
        (
            "PNG with eXIf, tEXt, iTXt",
            Fixtures.insertingChunk(
                type: "tEXt", data: Array("Comment\0comentario GPS".utf8),
                into: Fixtures.insertingChunk(
                    type: "eXIf", data: ExifFixtures.tiff(orientation: 3, gps: true),
                    into: Fixtures.png(width: 40, height: 30)))
        ),
    ]

    @Test("Only SOI, JFIF APP0, tables, SOF2 and scans; no metadata bytes anywhere", arguments: inputs)
    func stripped(name: String, input: [UInt8]) throws {
        let photo = try #require(PhotoChecker.check(input, publicationDate: Fixtures.publicationDate).accepted, "\(name)")
        for variant in [photo.profile, photo.thumbnail] {
            let markers = try #require(JPEGScan.markers(variant.jpeg))
            #expect(markers.first == 0xE0)  // JFIF
            let allowed: Set<UInt8> = [0xE0, 0xDB, 0xC4, 0xC2, 0xDA, 0xDD]
            #expect(Set(markers).isSubset(of: allowed), "markers \(markers.map { String($0, radix: 16) })")
            #expect(!markers.contains(0xE1) && !markers.contains(0xE2) && !markers.contains(0xFE))
            for needle in Self.forbidden {
                #expect(!JPEGScan.contains(variant.jpeg, needle), "\(String(decoding: needle, as: UTF8.self)) in output")
            }
            #expect(JPEGScan.isProgressive(variant.jpeg))
        }
    }

    @Test("The metadata is still read from the input before it is dropped")
    func readThenDropped() throws {
        let photo = try #require(PhotoChecker.check(Self.loadedJPEG(), publicationDate: Fixtures.publicationDate).accepted)
        #expect(photo.orientation == 6)
        #expect(photo.size == PixelSize(width: 64, height: 96))
        #expect(photo.captureDate?.description == "2024-03-01 10:00:00")
    }
}
