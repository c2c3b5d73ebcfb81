import Imaging

/// The seeded mutation fuzzer's corpus and mutations, shared by `MutationTests` and the longer
/// AddressSanitizer run described in the report.
enum MutationCorpus {
    /// Small valid files of every kind, with EXIF where the format carries it.
    static func corpus() -> [[UInt8]] {
        let exif = ExifFixtures.app1(orientation: 6, dateTimeOriginal: "2024:03:01 10:00:00", gps: true)
        return [
            Fixtures.jpeg(width: 48, height: 32, app1: exif),
            Fixtures.jpeg(width: 48, height: 32, progressive: true, app1: exif),
            Fixtures.jpeg(width: 48, height: 32, layout: .grayscale, progressive: true),
            Fixtures.jpeg(width: 48, height: 32, layout: .cmyk),
            Fixtures.jpeg(width: 48, height: 32, layout: .ycck, progressive: true),
            Fixtures.png(width: 48, height: 32),
            Fixtures.png(width: 48, height: 32, color: .palette, bitDepth: 4, interlaced: true),
            Fixtures.png(width: 48, height: 32, color: .rgba, bitDepth: 16),
            Fixtures.png(width: 48, height: 32, color: .gray, bitDepth: 2, interlaced: true),
            Fixtures.insertingChunk(
                type: "eXIf", data: ExifFixtures.tiff(orientation: 8, dateTimeOriginal: "2024:01:02 03:04:05"),
                into: Fixtures.png(width: 48, height: 32, color: .grayAlpha)),
        ]
    }

    static func mutate(_ original: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = original
        // Half the mutations land in the first 300 bytes, where the headers and EXIF live.
        let headerBias = random.next() % 2 == 0
        func position(_ count: Int) -> Int {
            let range = headerBias ? min(count, 300) : count
            return range == 0 ? 0 : Int(random.next() % UInt64(range))
        }
        switch random.next() % 6 {
        case 0:  // flip 1...8 bits
            for _ in 0...(random.next() % 8) where !bytes.isEmpty {
                bytes[position(bytes.count)] ^= UInt8(1) << (random.next() % 8)
            }
        case 1:  // truncate
            bytes = Array(bytes.prefix(position(bytes.count)))
        case 2:  // insert 1...16 random bytes
            let insert = (0...(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            bytes.insert(contentsOf: insert, at: position(bytes.count + 1))
        case 3:  // overwrite a run with 0xFF, 0x00 or random bytes
            let start = position(bytes.count)
            let length = min(bytes.count - start, Int(random.next() % 32) + 1)
            let fill = random.next() % 3
            for i in start..<start + length {
                bytes[i] = fill == 0 ? 0xFF : fill == 1 ? 0 : UInt8(truncatingIfNeeded: random.next())
            }
        case 4:  // delete a range
            let start = position(bytes.count)
            let length = min(bytes.count - start, Int(random.next() % 64) + 1)
            bytes.removeSubrange(start..<start + length)
        default:  // duplicate a range in place
            let start = position(bytes.count)
            let length = min(bytes.count - start, Int(random.next() % 256) + 1)
            bytes.insert(contentsOf: bytes[start..<start + length], at: start)
        }
        return bytes
    }
}
