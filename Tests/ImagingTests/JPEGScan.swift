/// Reads the marker segments of a JPEG up to its first scan, to inspect what an output contains.
enum JPEGScan {
    /// The marker codes (the byte after 0xFF) before the first SOS, SOS included; nil when the
    /// bytes are not a well-formed JPEG header.
    static func markers(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var markers: [UInt8] = []
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            markers.append(marker)
            if marker == 0xDA { return markers }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            i += 2 + length
        }
        return nil
    }

    /// Whether the JPEG is progressive (SOF2).
    static func isProgressive(_ bytes: [UInt8]) -> Bool {
        markers(bytes)?.contains(0xC2) == true
    }

    /// Whether `needle` occurs anywhere in `bytes`.
    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}
