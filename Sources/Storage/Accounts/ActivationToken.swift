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

    /// The token of issue `issue` of `accountID`'s credentials: HMAC-SHA256 under `key` (a
    /// server secret, ``ActivationTokenKey``) of the account id and the issue number. The same
    /// inputs give the same token, so a credentials e-mail sent again after a crash is the same
    /// bytes with a link that still works; a re-send is a new issue, and the previous link
    /// stops working when the new token's hash replaces it.
    public static func derived(key: ActivationTokenKey, accountID: UUID, issue: Int) -> ActivationToken {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("activation:\(accountID.uuidString.lowercased()):\(issue)".utf8), using: key.key)
        let text = Data(mac).base64EncodedString()
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

/// The server secret activation tokens are derived from: a sub-key of the sensitive-data key
/// (HMAC of the key over a fixed label), never the key itself.
public struct ActivationTokenKey: Sendable {
    private let bytes: [UInt8]

    /// The sub-key of `masterKey` (the 32-byte `security.encryption_key`).
    public init(masterKey: [UInt8]) {
        let label = Data("conoceles/activation-token/v1".utf8)
        bytes = Array(HMAC<SHA256>.authenticationCode(for: label, using: SymmetricKey(data: masterKey)))
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }
}
