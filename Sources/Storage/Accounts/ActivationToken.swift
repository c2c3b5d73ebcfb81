import Crypto
import Foundation

/// The secret of an activation link: 32 random bytes, URL-safe base64. It travels only in
/// the e-mail; the database keeps its SHA-256 (`hash`), so a leaked table activates nothing.
public struct ActivationToken: Sendable, Hashable {
    /// The token as it goes in the link.
    public let value: String

    /// A new random token.
    public static func generate() -> ActivationToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return ActivationToken(value: text)
    }

    /// The token `value` as received in a link.
    public init(value: String) {
        self.value = value
    }

    /// SHA-256 of the token, as stored.
    public var hash: Data { Self.hash(of: value) }

    /// SHA-256 of `text`.
    static func hash(of text: String) -> Data { Data(SHA256.hash(data: Data(text.utf8))) }
}
