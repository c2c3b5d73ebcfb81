/// Walks a PNG's chunk structure, bounds-checked: finds the eXIf chunk (PNG 1.5 extension) and
/// whether the file reaches its IEND chunk (libpng stops reading once it has the pixels, so a
/// file cut just after its image data would otherwise pass).
struct PNGChunks {
    /// Most chunks walked before giving up; a real photo has a handful plus its IDAT run.
    private static let maxChunks = 100_000

    /// The payload of the first eXIf chunk, if any.
    private(set) var exifPayload: ArraySlice<UInt8>?
    /// Whether an IEND chunk was reached with every chunk before it whole.
    private(set) var reachesEnd = false

    init(_ bytes: [UInt8]) {
        var position = 8
        var walked = 0
        while position + 8 <= bytes.count, walked < Self.maxChunks {
            walked += 1
            let length = bytes[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = bytes[(position + 4)..<(position + 8)]
            let dataStart = position + 8
            guard length <= 0x7FFF_FFFF, dataStart + length + 4 <= bytes.count else { return }
            if exifPayload == nil, type.elementsEqual("eXIf".utf8) {
                exifPayload = bytes[dataStart..<dataStart + length]
            }
            if type.elementsEqual("IEND".utf8) {
                reachesEnd = true
                return
            }
            position = dataStart + length + 4  // data and CRC
        }
    }
}
