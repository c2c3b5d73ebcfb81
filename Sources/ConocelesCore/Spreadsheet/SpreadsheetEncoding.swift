/// How the bytes of an uploaded spreadsheet file became text. Excel in es-MX saves
/// "CSV UTF-8" (UTF-8 with a byte order mark) or plain "CSV" (Windows-1252); other tools
/// save UTF-8 without the mark.
public enum SpreadsheetEncoding: String, Sendable, Hashable {
    case utf8WithBOM
    case utf8
    case windows1252

    /// `bytes` as text: UTF-8 when the bytes are valid UTF-8 (the byte order mark dropped),
    /// otherwise Windows-1252, which maps every byte to a character (so nothing is lost
    /// silently: a file in another encoding shows odd letters the reader can see).
    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: SpreadsheetEncoding) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if bytes.starts(with: bom), let text = String(validating: bytes.dropFirst(3), as: UTF8.self) {
            return (text, .utf8WithBOM)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let scalar = Unicode.Scalar(windows1252High[Int(byte - 0x80)]) {
                scalars.append(scalar)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return (String(scalars), .windows1252)
    }

    /// Windows-1252's bytes 0x80…0x9F (the five it leaves undefined kept as the C1 control
    /// of the same number, as Windows itself does).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
