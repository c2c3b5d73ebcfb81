import ConocelesCore
import Foundation
import Testing

/// The one CSV reader and the one CSV writer, with files made as Excel in Spanish makes them.
@Suite("Spreadsheet files: reading what Excel saves, writing what Excel opens")
struct SpreadsheetTableTests {
    static let header = ["Clave", "Nombre", "Domicilio"]
    static let rows = [["PAN-1", "Ana Pérez Núñez", "Av. Juárez 10, Col. Centro"], ["PAN-2", "Begoña Ibáñez", "Calle 5; interior 2"]]

    /// `rows` under `header` joined as a spreadsheet saves them (quotes only where needed).
    static func file(separator: String, lineEnd: String, header: [String] = header, rows: [[String]] = rows) -> String {
        ([header] + rows).map { cells in
            cells.map { cell in
                cell.contains(separator) || cell.contains("\"") || cell.contains("\n")
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: separator)
        }.joined(separator: lineEnd) + lineEnd
    }

    @Test(arguments: [(";", "\r\n"), (";", "\n"), (";", "\r"), (",", "\r\n"), (",", "\n"), (",", "\r"), ("\t", "\r\n"), ("\t", "\n")])
    func everySeparatorAndLineEndIsFoundOnTheHeaderLine(separator: String, lineEnd: String) throws {
        // Data cells hold the other separators, which must not win over the header's.
        let table = try SpreadsheetTable.read(Array(Self.file(separator: separator, lineEnd: lineEnd).utf8))
        #expect(table.separator == Character(separator))
        #expect(table.lineEnd == (lineEnd == "\r\n" ? .crlf : lineEnd == "\n" ? .lf : .cr))
        #expect(table.header == Self.header)
        #expect(table.rows.map(\.cells) == Self.rows)
        #expect(table.rows.map(\.number) == [2, 3])
    }

    @Test func aSemicolonFileWithCRLFAndACommaInACellIsReadWithSemicolons() throws {
        // The bug of issue 23: "\r\n" is one Character, so a first line cut at "\n" ran into the data.
        let text = "Clave de la candidatura;Nombre\r\nPAN-1;Pérez, Ana\r\n"
        let table = try SpreadsheetTable.read(Array(text.utf8))
        #expect(table.separator == ";")
        #expect(table.rows.first?.cells == ["PAN-1", "Pérez, Ana"])
    }

    @Test func utf8WithAndWithoutBOMAndWindows1252GiveTheSameText() throws {
        let text = Self.file(separator: ",", lineEnd: "\r\n") + "PAN-3,\"Muñoz “Güero” €\",Ñuñoa\r\n"
        let plain = Array(text.utf8)
        let bom = [0xEF, 0xBB, 0xBF] + plain
        let cp1252 = try #require(text.data(using: .windowsCP1252).map(Array.init))
        var tables: [SpreadsheetTable] = []
        for bytes in [plain, bom, cp1252] { tables.append(try SpreadsheetTable.read(bytes)) }
        #expect(tables.map(\.encoding) == [.utf8, .utf8WithBOM, .windows1252])
        #expect(tables[0].header.first == "Clave", "the BOM is not part of the first header")
        for table in tables {
            #expect(table.header == tables[0].header)
            #expect(table.rows.map(\.cells) == tables[0].rows.map(\.cells))
        }
        #expect(tables[2].rows.last?.cells == ["PAN-3", "Muñoz “Güero” €", "Ñuñoa"])
    }

    @Test func quotedCellsKeepSeparatorsQuotesAndLineBreaks() throws {
        let text = "a,b\r\n\"uno, dos\",\"dice \"\"hola\"\"\r\nen dos renglones\"\r\nx,\"\"\r\n"
        let table = try SpreadsheetTable.read(Array(text.utf8))
        #expect(table.rows.map(\.cells) == [["uno, dos", "dice \"hola\"\nen dos renglones"], ["x", ""]])
        // The second row starts on line 4 of the file, but it is row 3 of the spreadsheet.
        #expect(table.rows.map(\.number) == [2, 3])
        #expect(table.rows.map(\.line) == [2, 4])
    }

    @Test func blankRowsAreSkippedButCounted() throws {
        let table = try SpreadsheetTable.read(Array("a,b\r\n1,2\r\n,\r\n\r\n3,4\r\n".utf8))
        #expect(table.rows.map(\.number) == [2, 5])
    }

    @Test func aQuoteThatNeverClosesIsAnErrorNamingItsRow() throws {
        // Without the check, the rest of the file would be one cell and its rows lost.
        let text = "a,b\r\n1,2\r\n3,\"sin cerrar\r\n4,5\r\n6,7\r\n"
        #expect(throws: SpreadsheetFileError.self) { try SpreadsheetTable.read(Array(text.utf8)) }
        do {
            _ = try SpreadsheetTable.read(Array(text.utf8))
        } catch {
            #expect(error.message.contains("renglón 3"))
            #expect(error.message.contains("no se guardó nada"))
        }
    }

    @Test func textAfterAClosingQuoteIsAnErrorNamingItsRow() throws {
        let text = "a,b\r\n1,\"Juan \"El Güero\" Pérez\"\r\n"
        do {
            _ = try SpreadsheetTable.read(Array(text.utf8))
            Issue.record("a stray quote was read silently")
        } catch {
            #expect(error.message.contains("renglón 2"))
        }
        // A quote inside an unquoted cell is just a character.
        let plain = try SpreadsheetTable.read(Array("a,b\r\n1,Juan \"El Güero\" Pérez\r\n".utf8))
        #expect(plain.rows.first?.cells == ["1", "Juan \"El Güero\" Pérez"])
    }

    @Test func aNULIsReportedOnItsRowOnly() throws {
        let table = try SpreadsheetTable.read(Array("a,b\r\n1,ok\r\n2,ma\u{0}l\r\n3,ok\r\n".utf8))
        #expect(table.rows.count == 3)
        #expect(table.rows.map { $0.nulProblem != nil } == [false, true, false])
        #expect(table.rows[1].nulProblem?.contains("renglón 3") == true)
    }

    @Test func extraCellsAreReportedOnTheirRow() throws {
        let table = try SpreadsheetTable.read(Array("a,b\r\n1,2\r\n3,Pérez, Ana\r\n4,5,\r\n".utf8))
        #expect(table.rows[0].overflowProblem(columns: 2) == nil)
        #expect(table.rows[1].overflowProblem(columns: 2)?.contains("renglón 3") == true)
        #expect(table.rows[2].overflowProblem(columns: 2) == nil, "an empty trailing cell is no problem")
    }

    @Test func anEmptyFileIsAnError() {
        #expect(throws: SpreadsheetFileError.self) { try SpreadsheetTable.read([]) }
        #expect(throws: SpreadsheetFileError.self) { try SpreadsheetTable.read(Array("\r\n\r\n".utf8)) }
    }

    @Test func theWriterMakesBOMCRLFAndReadsBackTheSameCells() throws {
        let rows = [["Cargo", "Nombre", "Nota"], ["Diputación", "José Ñúñez", "=SUMA(A1)"], ["Regiduría", "línea\nsegunda", "\"citado\", coma"]]
        let text = SpreadsheetWriter.document(rows)
        let bytes = Array(text.utf8)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(text.hasSuffix("\r\n"))
        // Every record ends with CRLF; a line break inside a cell stays a lone LF.
        #expect(text.components(separatedBy: "\r\n").count == 4)
        let table = try SpreadsheetTable.read(bytes)
        #expect(table.encoding == .utf8WithBOM && table.lineEnd == .crlf && table.separator == ",")
        #expect([table.header] + table.rows.map { $0.cells.map(SpreadsheetCell.restored) } == rows)
        #expect(table.rows[0].cells[2] == "'=SUMA(A1)", "a formula is written as text")
        #expect(SpreadsheetWriter.withByteOrderMark(text) == text)
        #expect(SpreadsheetWriter.withByteOrderMark("a\r\n") == "\u{FEFF}a\r\n")
    }
}
