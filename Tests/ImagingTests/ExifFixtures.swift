/// Builds EXIF blocks ("Exif\0\0" + TIFF) by hand: orientation, DateTimeOriginal and a GPS IFD
/// (to prove it never reaches the output).
enum ExifFixtures {
    /// An APP1 payload with the given fields; `bigEndian` picks "MM" over "II".
    static func app1(
        orientation: UInt16? = nil, dateTimeOriginal: String? = nil, gps: Bool = false,
        bigEndian: Bool = false
    ) -> [UInt8] {
        Array("Exif".utf8) + [0, 0]
            + tiff(
                orientation: orientation, dateTimeOriginal: dateTimeOriginal,
                gps: gps, bigEndian: bigEndian)
    }

    /// The TIFF structure alone (what a PNG eXIf chunk holds).
    static func tiff(
        orientation: UInt16? = nil, dateTimeOriginal: String? = nil, gps: Bool = false,
        bigEndian: Bool = false
    ) -> [UInt8] {
        var writer = TIFFWriter(bigEndian: bigEndian)
        // Layout: header (8) | IFD0 | EXIF IFD | GPS IFD | data area.
        var ifd0: [(tag: UInt16, type: UInt16, count: UInt32, value: UInt32)] = []
        let ifd0Count = (orientation == nil ? 0 : 1) + (dateTimeOriginal == nil ? 0 : 1) + (gps ? 1 : 0)
        let ifd0Size = 2 + 12 * ifd0Count + 4
        let exifOffset = 8 + ifd0Size
        let exifSize = dateTimeOriginal == nil ? 0 : 2 + 12 + 4
        let gpsOffset = exifOffset + exifSize
        let gpsSize = gps ? 2 + 12 * 2 + 4 : 0
        let dataOffset = gpsOffset + gpsSize
        if let orientation {
            ifd0.append((0x0112, 3, 1, bigEndian ? UInt32(orientation) << 16 : UInt32(orientation)))
        }
        if dateTimeOriginal != nil { ifd0.append((0x8769, 4, 1, UInt32(exifOffset))) }
        if gps { ifd0.append((0x8825, 4, 1, UInt32(gpsOffset))) }

        writer.header(ifd0Offset: 8)
        writer.ifd(ifd0)
        var data: [UInt8] = []
        if let dateTimeOriginal {
            let text = Array(dateTimeOriginal.utf8) + [0]
            writer.ifd([(0x9003, 2, UInt32(text.count), UInt32(dataOffset + data.count))])
            data += text
        }
        if gps {
            // GPSLatitudeRef "N" inline and GPSLatitude 3 rationals (20.6597 N, Guadalajara).
            let latitudeOffset = UInt32(dataOffset + data.count)
            writer.ifd([
                (0x0001, 2, 2, bigEndian ? UInt32(UInt8(ascii: "N")) << 24 : UInt32(UInt8(ascii: "N"))),
                (0x0002, 5, 3, latitudeOffset),
            ])
            for (numerator, denominator) in [(20, 1), (39, 1), (3492, 100)] as [(UInt32, UInt32)] {
                data += writer.encode(numerator) + writer.encode(denominator)
            }
        }
        return writer.bytes + data
    }
}

/// Writes TIFF integers in either byte order.
private struct TIFFWriter {
    let bigEndian: Bool
    var bytes: [UInt8] = []

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    func encode(_ value: UInt16) -> [UInt8] {
        let pair = [UInt8(value >> 8), UInt8(value & 0xFF)]
        return bigEndian ? pair : pair.reversed()
    }

    func encode(_ value: UInt32) -> [UInt8] {
        let quad = (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) }
        return bigEndian ? quad : quad.reversed()
    }

    mutating func header(ifd0Offset: UInt32) {
        bytes += bigEndian ? Array("MM".utf8) : Array("II".utf8)
        bytes += encode(UInt16(42)) + encode(ifd0Offset)
    }

    mutating func ifd(_ entries: [(tag: UInt16, type: UInt16, count: UInt32, value: UInt32)]) {
        bytes += encode(UInt16(entries.count))
        for entry in entries {
            bytes += encode(entry.tag) + encode(entry.type) + encode(entry.count) + encode(entry.value)
        }
        bytes += encode(UInt32(0))
    }
}
