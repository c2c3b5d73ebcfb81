/// A cell of a CSV file meant for a spreadsheet: in double quotes with its quotes doubled,
/// and a text that a spreadsheet would run as a formula prefixed with an apostrophe so it
/// stays text (a candidate's text must not execute on a staff member's computer).
public enum SpreadsheetCell {
    /// Characters that make a spreadsheet read a cell as a formula.
    public static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// `text` defused and quoted.
    public static func text(_ text: String) -> String {
        quoted(defused(text))
    }

    /// A cell in double quotes, its quotes doubled.
    public static func quoted(_ cell: String) -> String {
        var quoted = "\""
        for character in cell {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// `cell` with an apostrophe in front when a spreadsheet would run it as a formula.
    public static func defused(_ cell: String) -> String {
        guard let first = cell.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    /// The cell without the apostrophe `defused` added.
    public static func restored(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let second = cell.dropFirst().first, formulaStarts.contains(second) else { return cell }
        return String(cell.dropFirst())
    }
}
