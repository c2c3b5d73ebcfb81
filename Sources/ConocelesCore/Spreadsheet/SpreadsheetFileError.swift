/// Why an uploaded CSV file cannot be read at all; `message` is Spanish, for the person
/// who sent it.
public struct SpreadsheetFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }

    /// A quoted cell that opens on `row` (line `line` of the file) and never closes, or
    /// closes and goes on with more text: the rest of the file would be swallowed.
    static func unbalancedQuote(row: Int, line: Int) -> SpreadsheetFileError {
        let place = row == line ? "el renglón \(row)" : "el renglón \(row) (línea \(line) del archivo)"
        return SpreadsheetFileError(
            message: "Hay unas comillas sin cerrar o mal cerradas en \(place): una celda que empieza con "
                + "comillas (\") debe terminar con comillas, y las comillas dentro de ella van dobles (\"\"). "
                + "Corrija ese renglón y vuelva a cargar el archivo; no se guardó nada.")
    }

    static let empty = SpreadsheetFileError(message: "El archivo está vacío: no tiene ni el renglón de encabezados.")
}
