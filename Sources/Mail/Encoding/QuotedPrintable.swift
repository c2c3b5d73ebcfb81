/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text parts.
///
/// Line breaks of any style become CRLF hard breaks; output lines are at most 76 characters
/// (soft breaks `=` CRLF); trailing spaces and tabs are encoded so relays can't strip them.
/// A leading `.` stays literal on purpose: dot-stuffing belongs to the SMTP client (curl).
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// The encoded body, CRLF-terminated lines, without a final CRLF.
    static func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        let lines = normalizedLines(text)
        for (lineIndex, line) in lines.enumerated() {
            if lineIndex > 0 { output.append(contentsOf: crlf) }
            encode(line: line, into: &output)
        }
        return output
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func normalizedLines(_ text: String) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        let bytes = Array(text.utf8)
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x0D:
                lines.append(bytes[start..<index])
                index += (index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                start = index
            case 0x0A:
                lines.append(bytes[start..<index])
                index += 1
                start = index
            default:
                index += 1
            }
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }

    private static func encode(line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        let lastNonBlank = line.lastIndex { $0 != 0x20 && $0 != 0x09 }
        var lineLength = 0
        for index in line.indices {
            let byte = line[index]
            let isTrailingBlank = lastNonBlank.map { index > $0 } ?? true
            let literal =
                (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "=")
                || (byte == 0x20 || byte == 0x09) && !isTrailingBlank
            let token: [UInt8] =
                literal
                ? [byte]
                : [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            // The last token of a line needs no room for a soft break after it.
            let limit = index == line.index(before: line.endIndex) ? maximumLineLength : maximumLineLength - 1
            if lineLength + token.count > limit {
                output.append(UInt8(ascii: "="))
                output.append(contentsOf: crlf)
                lineLength = 0
            }
            output.append(contentsOf: token)
            lineLength += token.count
        }
    }
}
