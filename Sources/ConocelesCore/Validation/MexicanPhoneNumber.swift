/// Mexican phone numbers: ten digits, optionally preceded by the country code `+52`;
/// spaces and dashes may separate groups ("33 1234 5678", "+52 33-1234-5678").
public enum MexicanPhoneNumber {
    /// The number in E.164 form (`+523312345678`), or nil when `text` is not a valid
    /// Mexican number. Anything other than digits, spaces, dashes and a leading `+52`
    /// (parentheses, dots, letters, other scripts' digits) is refused.
    public static func normalized(_ text: String) -> String? {
        var rest = Substring(text.trimmedOfWhiteSpace)
        if rest.hasPrefix("+") {
            rest = rest.dropFirst()
            guard rest.hasPrefix("52") else { return nil }
            rest = rest.dropFirst(2)
            guard rest.first.map({ $0.isASCIIDigit || $0 == " " || $0 == "-" }) ?? false else { return nil }
        }
        var digits = ""
        for character in rest {
            if character.isASCIIDigit {
                digits.append(character)
            } else if character != " " && character != "-" {
                return nil
            }
        }
        guard digits.count == 10 else { return nil }
        return "+52" + digits
    }

    /// Whether `text` is a valid Mexican phone number.
    public static func isValid(_ text: String) -> Bool { normalized(text) != nil }

    /// Spanish message for an invalid number.
    public static let invalidMessage =
        "El teléfono debe tener 10 dígitos, con o sin +52 al inicio; puede separarlos con espacios o guiones."
}
