/// Walks a JPEG's marker segments (up to the first scan) to find the EXIF APP1 payload.
/// libjpeg skips APP1 contents, so the EXIF block is read here, bounds-checked.
enum JPEGSegments {
    /// The first APP1 payload that starts with "Exif\0\0", or nil.
    static func exifPayload(in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var position = 2
        let exifPrefix: [UInt8] = Array("Exif".utf8) + [0, 0]
        while position + 1 < bytes.count {
            guard bytes[position] == 0xFF else { return nil }
            // Fill bytes: any number of 0xFF before the marker code.
            var markerAt = position + 1
            while markerAt < bytes.count, bytes[markerAt] == 0xFF { markerAt += 1 }
            guard markerAt < bytes.count else { return nil }
            let marker = bytes[markerAt]
            position = markerAt + 1
            switch marker {
            case 0xD9, 0xDA:  // EOI, SOS: no metadata segments after this point matter.
                return nil
            case 0x01, 0xD0...0xD7:  // standalone markers carry no length.
                continue
            default:
                guard position + 2 <= bytes.count else { return nil }
                let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
                guard length >= 2, position + length <= bytes.count else { return nil }
                let payload = bytes[(position + 2)..<(position + length)]
                if marker == 0xE1, payload.starts(with: exifPrefix) { return payload }
                position += length
            }
        }
        return nil
    }
}
