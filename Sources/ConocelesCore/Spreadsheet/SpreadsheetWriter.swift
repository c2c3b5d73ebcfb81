/// The one writer of every CSV the system hands out (the representatives' template, the
/// compliance tables, the open data, the progress reports, the identity statistics), made
/// to open right in Excel in es-MX with a double click: UTF-8 with a byte order mark (without
/// it Excel reads the bytes as Windows-1252 and shows "DiputaciÃ³n"), comma separators (the
/// list separator of es-MX), every cell quoted and defused (`SpreadsheetCell.text`), CRLF
/// line ends (also the line end of RFC 4180). Line breaks inside a cell stay `"\n"`, which
/// Excel shows as a line break within the cell.
public enum SpreadsheetWriter {
    /// The byte order mark that tells Excel the file is UTF-8.
    public static let byteOrderMark = "\u{FEFF}"
    public static let lineEnd = "\r\n"

    /// `rows` (the header first) as a whole file.
    public static func document(_ rows: [[String]]) -> String {
        byteOrderMark + rows.map(line).joined()
    }

    /// One row with its line end, without the byte order mark.
    public static func line(_ cells: [String]) -> String {
        cells.map(SpreadsheetCell.text).joined(separator: ",") + lineEnd
    }

    /// `text` (a document stored before this writer existed) with the byte order mark.
    public static func withByteOrderMark(_ text: String) -> String {
        text.hasPrefix(byteOrderMark) ? text : byteOrderMark + text
    }
}
