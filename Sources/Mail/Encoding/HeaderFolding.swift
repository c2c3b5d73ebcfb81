/// Folds a header into lines of at most 76 characters where white space allows it.
///
/// Folding inserts CRLF before an existing space, which unfolding removes again, so it never
/// changes the value. Tokens are never split; none is longer than an address (254) plus
/// punctuation, so no line exceeds RFC 5322's 998.
enum HeaderFolding {
    static let preferredLineLength = 76

    /// `Name: token token...` CRLF-terminated, folded before tokens that would overflow (the
    /// first one too, after `Name:`, when a long name leaves no room). An empty token (from
    /// consecutive spaces) is never moved to a new line, so no line is white space only.
    static func fold(name: String, tokens: [String]) -> String {
        var result = name + ":"
        var lineLength = result.utf8.count
        for token in tokens {
            let length = token.utf8.count
            if !token.isEmpty && lineLength > 0 && lineLength + 1 + length > preferredLineLength {
                result += "\r\n"
                lineLength = 0
            }
            result += " " + token
            lineLength += 1 + length
        }
        return result + "\r\n"
    }

    /// Tokens for unstructured text (Subject, custom headers): printable ASCII words as they
    /// are, the others encoded.
    static func unstructuredTokens(_ text: String) -> [String] {
        EncodedWord.tokens(for: text) { word in word.utf8.allSatisfy { (0x21...0x7E).contains($0) } }
    }

    /// Tokens for an address list, comma-separated, display names encoded or quoted.
    static func addressTokens(_ addresses: [MailAddress]) -> [String] {
        var tokens: [String] = []
        for (index, address) in addresses.enumerated() {
            if let name = address.displayName {
                tokens.append(contentsOf: phraseTokens(name))
            }
            let angle = address.displayName == nil ? address.address : "<\(address.address)>"
            tokens.append(index < addresses.count - 1 ? angle + "," : angle)
        }
        return tokens
    }

    /// A display name: a quoted string when it is printable ASCII, otherwise atoms as they
    /// are and the other words encoded.
    private static func phraseTokens(_ name: String) -> [String] {
        if name.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) && !name.contains("=?") {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"" + escaped + "\""]
        }
        return EncodedWord.tokens(for: name) { word in word.utf8.allSatisfy(isAtomCharacter) }
    }

    private static let atomSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    private static func isAtomCharacter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || atomSymbols.contains(byte)
    }
}
