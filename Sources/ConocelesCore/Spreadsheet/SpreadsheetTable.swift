/// A CSV file as people send it (saved by Excel in Spanish or by any other tool), read into
/// a header and its rows. The one reader of every uploaded CSV (the candidacy import and
/// the representatives' bulk template), so that both read the same file the same way:
/// - bytes: UTF-8 with or without a byte order mark, otherwise Windows-1252
///   (`SpreadsheetEncoding`);
/// - separator: the one among comma, semicolon and tab that the header line has most of,
///   outside quotes (Excel writes its list separator: a comma or, with other regional
///   settings, a semicolon); line ends: CRLF, LF or CR, read as Unicode scalars (in Swift
///   `"\r\n"` is one `Character`, so cutting at `"\n"` characters misses it);
/// - quotes: RFC 4180 (`""` inside a quoted cell); a quoted cell that never closes, or
///   that goes on after its closing quote, is an error naming its row, never a silent
///   loss of the rows after it;
/// - line breaks inside a quoted cell come back as `"\n"`.
/// A row with a NUL character is kept with `nulProblem` set, for the caller to refuse it
/// by itself (PostgreSQL stores no NUL in text).
public struct SpreadsheetTable: Sendable, Equatable {
    /// One row of data.
    public struct Row: Sendable, Equatable {
        /// The row number as a spreadsheet shows it: the header is row 1, blank rows count.
        public let number: Int
        /// The line of the file where the row starts (differs from `number` after a cell
        /// with line breaks).
        public let line: Int
        public let cells: [String]

        public init(number: Int, line: Int, cells: [String]) {
            self.number = number
            self.line = line
            self.cells = cells
        }

        /// The cell at `index`, or "" where the row is shorter.
        public func cell(_ index: Int) -> String {
            index < cells.count ? cells[index] : ""
        }

        /// Whether the row has nothing but blank cells.
        public var isBlank: Bool { cells.allSatisfy(\.isBlank) }

        /// Why the row can't be taken when one of its cells has a NUL character.
        public var nulProblem: String? {
            guard cells.contains(where: { $0.unicodeScalars.contains("\u{0}") }) else { return nil }
            return "El renglón \(number) tiene un carácter nulo (NUL), que no es texto: suele venir de un archivo dañado o "
                + "copiado de otro programa. Bórrelo de la celda y vuelva a cargar el renglón."
        }

        /// Why the row can't be taken when it has non-empty cells beyond the `columns` of
        /// the header (a separator inside a cell that lost its quotes).
        public func overflowProblem(columns: Int) -> String? {
            guard cells.count > columns, cells[columns...].contains(where: { !$0.isBlank }) else { return nil }
            return "El renglón \(number) tiene \(cells.count) celdas y el encabezado \(columns) columnas: revise si una celda "
                + "tiene el separador sin comillas."
        }
    }

    /// How rows end in the file.
    public enum LineEnd: String, Sendable, Hashable {
        case crlf, lf, cr
    }

    /// The header's cells, trimmed of white space.
    public let header: [String]
    /// The data rows, blank ones left out.
    public let rows: [Row]
    /// The separator found on the header line.
    public let separator: Character
    /// The header line's end (nil for a file of one line without an end).
    public let lineEnd: LineEnd?
    public let encoding: SpreadsheetEncoding

    /// Reads a file's bytes (see the type's description).
    public static func read(_ bytes: [UInt8]) throws(SpreadsheetFileError) -> SpreadsheetTable {
        let (text, encoding) = SpreadsheetEncoding.decode(bytes)
        return try read(text: text, encoding: encoding)
    }

    /// Reads text already decoded (a leading byte order mark is dropped).
    public static func read(text: String, encoding: SpreadsheetEncoding = .utf8) throws(SpreadsheetFileError) -> SpreadsheetTable {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        let (separator, lineEnd) = headerLineFormat(scalars)
        let records = try records(scalars, separator: separator)
        guard let first = records.first, !first.cells.allSatisfy(\.isBlank) else { throw .empty }
        if first.cells.contains(where: { $0.unicodeScalars.contains("\u{0}") }) {
            throw SpreadsheetFileError(message: "El renglón de encabezados tiene un carácter nulo (NUL): el archivo parece dañado.")
        }
        let rows = records.enumerated().dropFirst().map { index, record in
            Row(number: index + 1, line: record.line, cells: record.cells)
        }
        return SpreadsheetTable(
            header: first.cells.map(\.trimmedOfWhiteSpace), rows: rows.filter { !$0.isBlank },
            separator: Character(separator), lineEnd: lineEnd, encoding: encoding)
    }

    /// The separator (the most frequent of comma, semicolon and tab outside quotes; a comma
    /// when none) and the line end of the header line.
    static func headerLineFormat(_ scalars: [Unicode.Scalar]) -> (Unicode.Scalar, LineEnd?) {
        var counts: [Unicode.Scalar: Int] = [",": 0, ";": 0, "\t": 0]
        var quoted = false
        var lineEnd: LineEnd?
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" {
                quoted.toggle()
            } else if !quoted, scalar == "\r" {
                lineEnd = index + 1 < scalars.count && scalars[index + 1] == "\n" ? .crlf : .cr
                break
            } else if !quoted, scalar == "\n" {
                lineEnd = .lf
                break
            } else if !quoted, counts[scalar] != nil {
                counts[scalar, default: 0] += 1
            }
            index += 1
        }
        let best = [",", ";", "\t"].max { counts[$0]! < counts[$1]! }!
        return (counts[best]! > 0 ? best : ",", lineEnd)
    }

    /// Every record with the line it starts on, blank ones included (they count as rows).
    static func records(_ scalars: [Unicode.Scalar], separator: Unicode.Scalar) throws(SpreadsheetFileError) -> [(line: Int, cells: [String])] {
        var records: [(line: Int, cells: [String])] = []
        var cells: [String] = []
        var cell = String.UnicodeScalarView()
        var line = 1, recordLine = 1, quoteLine = 1
        var quoted = false, closed = false
        var index = 0
        func endCell() {
            cells.append(String(cell))
            cell = String.UnicodeScalarView()
            closed = false
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            index += 1
            if quoted {
                switch scalar {
                case "\"" where next == "\"":
                    cell.append("\"")
                    index += 1
                case "\"":
                    quoted = false
                    closed = true
                case "\r", "\n":
                    cell.append("\n")
                    line += 1
                    if scalar == "\r", next == "\n" { index += 1 }
                default:
                    cell.append(scalar)
                }
                continue
            }
            switch scalar {
            case separator:
                endCell()
            case "\r", "\n":
                endCell()
                records.append((recordLine, cells))
                cells = []
                if scalar == "\r", next == "\n" { index += 1 }
                line += 1
                recordLine = line
            case " " where closed:
                continue  // spaces after a closing quote
            case _ where closed:
                throw .unbalancedQuote(row: records.count + 1, line: quoteLine)
            case "\"" where cell.isEmpty:
                quoted = true
                quoteLine = line
            default:
                cell.append(scalar)
            }
        }
        if quoted { throw .unbalancedQuote(row: records.count + 1, line: quoteLine) }
        if !cell.isEmpty || !cells.isEmpty || closed {
            endCell()
            records.append((recordLine, cells))
        }
        return records
    }
}
