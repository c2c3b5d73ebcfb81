/// Recognises a file's format from its first bytes (magic numbers), never from its name.
enum FormatSniffer {
    /// What the first bytes say.
    enum Result: Equatable {
        /// JPEG or PNG: go on checking.
        case supported(ImageFormat)
        /// Another format, named as a person would know it ("GIF", "WebP", "HEIC", ...).
        case other(String)
        /// Nothing recognisable.
        case unknown
    }

    static func sniff(_ bytes: [UInt8]) -> Result {
        func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && bytes[offset..<offset + prefix.count].elementsEqual(prefix)
        }
        func starts(with text: String, at offset: Int = 0) -> Bool { starts(with: Array(text.utf8), at: offset) }

        // SOI alone: whatever follows, libjpeg decides (and refuses damage as corrupt).
        if starts(with: [0xFF, 0xD8]) { return .supported(.jpeg) }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .supported(.png) }
        if starts(with: "GIF87a") || starts(with: "GIF89a") { return .other("GIF") }
        if starts(with: "RIFF") && starts(with: "WEBP", at: 8) { return .other("WebP") }
        if starts(with: "ftyp", at: 4), bytes.count >= 12 {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            switch brand {
            case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1": return .other("HEIC")
            case "avif", "avis": return .other("AVIF")
            case "crx ": return .other("RAW de cámara (CR3)")
            default: return .other("video MP4/MOV")
            }
        }
        if starts(with: "%PDF") { return .other("PDF") }
        if starts(with: "BM") { return .other("BMP") }
        if starts(with: "II*\0") || starts(with: "MM\0*") { return .other("TIFF") }
        if starts(with: [0x00, 0x00, 0x01, 0x00]) { return .other("ICO") }
        if starts(with: "8BPS") { return .other("Photoshop (PSD)") }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .other("ZIP o documento de Office") }
        if starts(with: [0xFF, 0x4F, 0xFF, 0x51]) || starts(with: [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20]) {
            return .other("JPEG 2000")
        }
        if starts(with: [0xFF, 0x0A]) || starts(with: [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) {
            return .other("JPEG XL")
        }
        return sniffText(bytes)
    }

    /// SVG, HTML and other text: looks past a byte-order mark and leading white space.
    private static func sniffText(_ bytes: [UInt8]) -> Result {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        let head = bytes[start..<min(bytes.count, start + 1024)]
        guard let first = head.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }),
            first == UInt8(ascii: "<")
        else { return .unknown }
        let text = String(decoding: head, as: UTF8.self).lowercased()
        if text.contains("<svg") { return .other("SVG") }
        if text.contains("<html") || text.contains("<!doctype html") { return .other("HTML") }
        return .other("XML")
    }
}
