/// Formats whole numbers for Spanish messages the way the electoral rules write them:
/// a comma between thousands ("5,000", "1,600", "12,345"), the usage of Mexico.
public enum SpanishNumberFormat {
    /// `value` with thousands separated by commas: 280 → "280", 5000 → "5,000".
    public static func format(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }
}
