/// Where a redirect that a request chose (`/entrar?siguiente=…`) may go: only a path of this
/// site, as every browser will read it. Browsers drop tabs and newlines from a URL, read `\`
/// as `/`, and take `//host` (also `/\host`, `/<TAB>/host`) as another site, so a target is
/// accepted only when it is already in its plain form:
///
/// - printable ASCII of a URL path and query only (no control character, space, backslash,
///   quote, angle bracket or non-ASCII letter such as the full-width solidus `／`);
/// - it starts with exactly one `/` (no scheme, no `//`, so no `javascript:` or `https:`);
/// - its percent-escapes are well formed and none of them hides a slash, a backslash, a
///   percent sign (a second decoding), a control character or a dot segment (`%2F`, `%5C`,
///   `%25`, `%09`, `%2E%2E`);
/// - no `.` or `..` segment (`/.//host` normalises to `//host`).
///
/// Anything else is refused; the caller sends the person home instead.
enum LocalRedirect {
    /// Longest target kept (a sign-in link's `siguiente`), in bytes.
    static let maximumLength = 512

    /// `candidate` when it is a path of this site under the rules above, nil otherwise.
    static func path(_ candidate: String?) -> String? {
        guard let candidate, (1..<maximumLength).contains(candidate.utf8.count) else { return nil }
        let bytes = Array(candidate.utf8)
        guard bytes[0] == UInt8(ascii: "/"), bytes.count == 1 || bytes[1] != UInt8(ascii: "/"),
            bytes.allSatisfy(isAllowed), escapesAreSafe(bytes)
        else { return nil }
        let segments = candidate.prefix { $0 != "?" }.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        return candidate
    }

    /// RFC 3986 `pchar`, `/` and `?`: unreserved, sub-delims, `:`, `@` and `%` (checked apart).
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@/?%".utf8.contains(byte)
        }
    }

    /// Whether every `%` starts a two-digit escape whose byte is harmless in a path.
    static func escapesAreSafe(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "%") else { continue }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return false }
            let decoded = high << 4 | low
            // A slash, backslash, percent, dot or control character is never escaped in a target we accept.
            if decoded < 0x20 || decoded == 0x7F || [UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "%"), UInt8(ascii: ".")].contains(decoded) {
                return false
            }
            index += 2
        }
        return true
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
