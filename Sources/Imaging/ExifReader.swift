/// A small, bounds-checked reader of the TIFF structure inside an EXIF block, for orientation
/// (IFD0 tag 0x0112) and `DateTimeOriginal` (EXIF IFD tag 0x9003) only.
///
/// Hostile input is the normal case here: every offset and count is checked against the
/// buffer before use, only IFD0 and the EXIF IFD it points to are visited (no loops, no
/// recursion), and any inconsistency just yields "no value" for that field.
enum ExifReader {
    private static let orientationTag: UInt16 = 0x0112
    private static let exifPointerTag: UInt16 = 0x8769
    private static let dateTimeOriginalTag: UInt16 = 0x9003
    private static let typeShort: UInt16 = 3
    private static let typeLong: UInt16 = 4
    private static let typeASCII: UInt16 = 2
    /// Most entries read from one IFD; real files have a few dozen.
    private static let maxEntries = 512

    /// Reads an APP1 payload ("Exif\0\0" followed by TIFF) or a PNG eXIf payload (TIFF, or the
    /// same "Exif\0\0" prefix some writers add).
    static func read(_ payload: ArraySlice<UInt8>) -> ExifMetadata {
        let prefix: [UInt8] = Array("Exif".utf8) + [0, 0]
        let tiff = payload.starts(with: prefix) ? payload.dropFirst(prefix.count) : payload
        guard let reader = TIFFBytes(Array(tiff)) else { return ExifMetadata() }
        return readTIFF(reader)
    }

    private static func readTIFF(_ tiff: TIFFBytes) -> ExifMetadata {
        var metadata = ExifMetadata()
        guard let ifd0 = tiff.uint32(at: 4) else { return metadata }
        var exifIFD: Int?
        for entry in entries(of: Int(ifd0), in: tiff) {
            switch entry.tag {
            case orientationTag where entry.type == typeShort && entry.count >= 1:
                if let value = tiff.uint16(at: entry.valueOffset), (1...8).contains(value) {
                    metadata.orientation = Int(value)
                }
            case exifPointerTag where (entry.type == typeLong || entry.type == 13) && entry.count == 1:
                exifIFD = tiff.uint32(at: entry.valueOffset).map(Int.init)
            default:
                break
            }
        }
        if let exifIFD, exifIFD != Int(ifd0) {
            for entry in entries(of: exifIFD, in: tiff)
            where entry.tag == dateTimeOriginalTag && entry.type == typeASCII {
                metadata.captureDate = ascii(entry, in: tiff).flatMap { CaptureDate(exif: $0) }
            }
        }
        return metadata
    }

    private struct Entry {
        let tag: UInt16
        let type: UInt16
        let count: Int
        /// Offset of the 4-byte value field (the value itself when it fits in 4 bytes).
        let valueOffset: Int
    }

    private static func entries(of offset: Int, in tiff: TIFFBytes) -> [Entry] {
        guard let count = tiff.uint16(at: offset) else { return [] }
        let entryCount = min(Int(count), maxEntries)
        var result: [Entry] = []
        result.reserveCapacity(entryCount)
        for index in 0..<entryCount {
            let at = offset + 2 + index * 12
            guard let tag = tiff.uint16(at: at), let type = tiff.uint16(at: at + 2),
                let valueCount = tiff.uint32(at: at + 4), tiff.contains(at + 8, length: 4)
            else { break }
            result.append(Entry(tag: tag, type: type, count: Int(valueCount), valueOffset: at + 8))
        }
        return result
    }

    /// An ASCII value: inline when it has at most 4 bytes, else at the offset stored inline.
    private static func ascii(_ entry: Entry, in tiff: TIFFBytes) -> String? {
        guard entry.count > 0, entry.count <= 64 else { return nil }
        let start: Int
        if entry.count <= 4 {
            start = entry.valueOffset
        } else {
            guard let pointer = tiff.uint32(at: entry.valueOffset) else { return nil }
            start = Int(pointer)
        }
        guard let bytes = tiff.bytes(at: start, length: entry.count) else { return nil }
        let text = bytes.prefix { $0 != 0 }
        guard text.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }
}

/// TIFF bytes with their byte order; every read is bounds-checked and returns nil outside.
private struct TIFFBytes {
    let bytes: [UInt8]
    let bigEndian: Bool

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        self.bytes = bytes
        guard uint16(at: 2) == 42 else { return nil }
    }

    func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func bytes(at offset: Int, length: Int) -> ArraySlice<UInt8>? {
        contains(offset, length: length) ? bytes[offset..<offset + length] : nil
    }

    func uint16(at offset: Int) -> UInt16? {
        guard contains(offset, length: 2) else { return nil }
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func uint32(at offset: Int) -> UInt32? {
        guard contains(offset, length: 4) else { return nil }
        let b = (0..<4).map { UInt32(bytes[offset + $0]) }
        return bigEndian
            ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
            : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
    }
}
