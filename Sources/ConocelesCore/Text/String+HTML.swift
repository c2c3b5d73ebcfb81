extension String {
    /// The text escaped for HTML element content and attribute values (`& < > " '`), so
    /// that data never becomes markup (pages and HTML e-mails use this one function).
    public var htmlEscaped: String {
        // Byte by byte, not character by character: a quote or `<` followed by a combining mark
        // is one `Character` ("\u{22}\u{301}") that equals none of the five, and a character
        // comparison would leave the quote unescaped (an attribute broken out of). The five are
        // ASCII, so each of their bytes is the character itself in UTF-8. Most texts hold none:
        // they are returned as they are.
        let utf8 = self.utf8
        let needsEscaping =
            utf8.withContiguousStorageIfAvailable { bytes in bytes.contains(where: Self.isHTMLSpecial) }
            ?? utf8.contains(where: Self.isHTMLSpecial)
        guard needsEscaping else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isHTMLSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}
