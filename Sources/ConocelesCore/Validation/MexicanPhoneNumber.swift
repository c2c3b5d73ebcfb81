/// Mexican phone numbers: ten digits, optionally preceded by the country code `+52` (and,
/// after it, the old mobile prefix `1`); spaces, dashes, dots and parentheses may separate
/// groups ("33 1234 5678", "(33) 1234-5678", "33.1234.5678", "+52 1 33 1234 5678").
public enum MexicanPhoneNumber {
    /// The number in E.164 form (`+523312345678`), or nil when `text` is not a valid
    /// Mexican number.
    public static func normalized(_ text: String) -> String? {
        tenDigits(text).map { "+52" + $0 }
    }

    /// The number's ten digits (`3312345678`), what a capture form stores and shows back, or
    /// nil when `text` is not a valid Mexican number. Separators are spaces, dashes, dots and
    /// one pair of parentheses around the first group; anything else (letters, other
    /// scripts' digits, another country's code, a code without `+`) is refused.
    public static func tenDigits(_ text: String) -> String? {
        var rest = Substring(text.trimmedOfWhiteSpace)
        var international = false
        if rest.hasPrefix("+") {
            rest = rest.dropFirst()
            guard rest.hasPrefix("52") else { return nil }
            rest = rest.dropFirst(2)
            guard rest.first.map({ $0.isASCIIDigit || separators.contains($0) }) ?? false else { return nil }
            international = true
        }
        var digits = ""
        var parentheses = 0
        for character in rest {
            if character.isASCIIDigit {
                digits.append(character)
            } else if character == "(" || character == ")" {
                parentheses += 1
            } else if !separators.contains(character) {
                return nil
            }
        }
        guard parentheses == 0 || parentheses == 2 else { return nil }
        // "+52 1 33 …": the mobile prefix dialled until 2019.
        if international, digits.count == 11, digits.hasPrefix("1") { digits.removeFirst() }
        guard digits.count == 10 else { return nil }
        return digits
    }

    private static let separators: Set<Character> = [" ", "-", "."]

    /// Whether `text` is a valid Mexican phone number.
    public static func isValid(_ text: String) -> Bool { tenDigits(text) != nil }

    /// Spanish message for an invalid number.
    public static let invalidMessage =
        "El teléfono debe tener 10 dígitos, con o sin +52 al inicio; puede separarlos con espacios, guiones, puntos o paréntesis."
}
