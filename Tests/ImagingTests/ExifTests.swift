import Imaging
import Testing

@Suite("EXIF orientation and capture date")
struct ExifTests {
    static let date = Fixtures.publicationDate

    @Test("Orientation 1...8 is read in both byte orders", arguments: 1...8, [false, true])
    func orientation(value: Int, bigEndian: Bool) throws {
        let app1 = ExifFixtures.app1(orientation: UInt16(value), bigEndian: bigEndian)
        let bytes = Fixtures.jpeg(width: 40, height: 20, app1: app1)
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Self.date).accepted)
        #expect(photo.orientation == value)
        let expected = value >= 5 ? PixelSize(width: 20, height: 40) : PixelSize(width: 40, height: 20)
        #expect(photo.size == expected)
        #expect(photo.profile.size == expected)
        #expect(photo.thumbnail.size == expected)
    }

    @Test("DateTimeOriginal is read with the GPS block beside it")
    func captureDate() throws {
        let app1 = ExifFixtures.app1(orientation: 1, dateTimeOriginal: "2024:03:01 10:32:05", gps: true)
        let photo = try #require(PhotoChecker.check(Fixtures.jpeg(width: 16, height: 16, app1: app1), publicationDate: Self.date).accepted)
        #expect(photo.captureDate?.description == "2024-03-01 10:32:05")
        #expect(photo.oldestAcceptedCaptureDay == CalendarDay(year: 2024, month: 1, day: 15))
        #expect(!photo.isCaptureDateStale)
    }

    @Test(
        "A capture date before publication minus three months is flagged, on the day boundary",
        arguments: [
            ("2024:01:14 23:59:59", true), ("2024:01:15 00:00:00", false), ("2023:06:01 12:00:00", true),
            ("2024:05:01 08:00:00", false),
        ])
    func staleFlag(exifDate: String, stale: Bool) throws {
        let app1 = ExifFixtures.app1(dateTimeOriginal: exifDate, bigEndian: true)
        let photo = try #require(PhotoChecker.check(Fixtures.jpeg(width: 16, height: 16, app1: app1), publicationDate: Self.date).accepted)
        #expect(photo.captureDate != nil)
        #expect(photo.isCaptureDateStale == stale)
    }

    @Test(
        "Blank or malformed dates read as absent (the person declares the date)",
        arguments: ["    :  :     :  :  ", "0000:00:00 00:00:00", "2024:02:30 10:00:00", "2024-03-01 10:00:00", "2024:03:01 25:00:00", "x"])
    func malformedDates(text: String) throws {
        let app1 = ExifFixtures.app1(dateTimeOriginal: text)
        let photo = try #require(PhotoChecker.check(Fixtures.jpeg(width: 16, height: 16, app1: app1), publicationDate: Self.date).accepted)
        #expect(photo.captureDate == nil)
        #expect(!photo.isCaptureDateStale)
    }

    @Test("A PNG's eXIf chunk gives orientation and date")
    func pngExif() throws {
        let tiff = ExifFixtures.tiff(orientation: 6, dateTimeOriginal: "2024:02:10 09:00:00")
        let bytes = Fixtures.insertingChunk(type: "eXIf", data: tiff, into: Fixtures.png(width: 40, height: 20))
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Self.date).accepted)
        #expect(photo.orientation == 6)
        #expect(photo.size == PixelSize(width: 20, height: 40))
        #expect(photo.captureDate?.description == "2024-02-10 09:00:00")
    }

    @Test("Hostile EXIF blocks never crash and fall back to no metadata", arguments: 0..<6)
    func hostileExif(kind: Int) throws {
        let tiffHeader: [UInt8] = Array("II".utf8) + [42, 0]
        let payloads: [[UInt8]] = [
            Array("Exif".utf8) + [0, 0],  // no TIFF
            Array("Exif".utf8) + [0, 0] + tiffHeader + [0xFF, 0xFF, 0xFF, 0x7F],  // IFD0 far outside
            Array("Exif".utf8) + [0, 0] + tiffHeader + [8, 0, 0, 0] + [0xFF, 0xFF],  // 65535 entries, no room
            Array("Exif".utf8) + [0, 0] + tiffHeader + [8, 0, 0, 0] + [1, 0]  // ExifIFD pointing to itself
                + [0x69, 0x87, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0] + [0, 0, 0, 0],
            Array("Exif".utf8) + [0, 0] + tiffHeader + [8, 0, 0, 0] + [1, 0]  // orientation 9 (invalid)
                + [0x12, 0x01, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0] + [0, 0, 0, 0],
            Array("Exif".utf8) + [0, 0] + tiffHeader + [8, 0, 0, 0] + [1, 0]  // date offset out of bounds
                + [0x69, 0x87, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0] + [0, 0, 0, 0]
                + [1, 0, 0x03, 0x90, 2, 0, 20, 0, 0, 0, 0xF0, 0xFF, 0, 0, 0, 0, 0, 0],
        ]
        let bytes = Fixtures.jpeg(width: 16, height: 16, app1: payloads[kind])
        let photo = try #require(PhotoChecker.check(bytes, publicationDate: Self.date).accepted)
        #expect(photo.orientation == 1)
        #expect(photo.captureDate == nil)
    }
}
