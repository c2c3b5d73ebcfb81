/// A cell of a CSV file meant for a spreadsheet: in double quotes with its quotes doubled,
/// and a text that a spreadsheet would run as a formula prefixed with an apostrophe so it
/// stays text (a candidate's text must not execute on a staff member's computer).
enum SpreadsheetCell {
    /// Characters that make a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// `text` defused and quoted.
    static func text(_ text: String) -> String {
        quoted(defused(text))
    }

    /// A cell in double quotes, its quotes doubled.
    static func quoted(_ cell: String) -> String {
        "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `cell` with an apostrophe in front when a spreadsheet would run it as a formula.
    static func defused(_ cell: String) -> String {
        guard let first = cell.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    /// The cell without the apostrophe `defused` added.
    static func restored(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let second = cell.dropFirst().first, formulaStarts.contains(second) else { return cell }
        return String(cell.dropFirst())
    }
}
