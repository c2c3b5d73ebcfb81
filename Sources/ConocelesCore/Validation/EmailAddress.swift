/// E-mail address checks for public contact e-mails: `local@domain` with an ASCII local
/// part of at most 64 characters (letters, digits and ``!#$%&'*+/=?^_`{|}~.-``, no leading,
/// trailing or doubled dot) and a domain of valid DNS labels whose last label has at least
/// two letters; at most 254 characters.
public enum EmailAddress {
    private static let localSymbols = Set("!#$%&'*+/=?^_`{|}~.-")

    /// Whether `text` (surrounding white space ignored) is a valid e-mail address.
    public static func isValid(_ text: String) -> Bool {
        let address = text.trimmedOfWhiteSpace
        guard address.count <= 254 else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1].lowercased()
        guard !local.isEmpty, local.count <= 64, local.first != ".", local.last != ".", !local.contains("..") else { return false }
        guard local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isASCIIDigit || localSymbols.contains($0)) }) else { return false }
        guard WebAddress.isValidHost(domain), let top = domain.split(separator: ".").last else { return false }
        return top.count >= 2 && top.allSatisfy(\.isLetter)
    }

    /// Spanish message for an invalid address.
    public static let invalidMessage = "El correo electrónico no es válido; escríbalo como nombre@dominio.mx."
}
