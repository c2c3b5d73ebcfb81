import Foundation

/// An AES-256-GCM ciphertext as stored in a sensitive column: the encrypted bytes followed
/// by the 16-byte authentication tag, the 12-byte nonce, and the identifier of the key
/// that sealed it (so a rotated key can still open old rows).
public struct SealedValue: Sendable, Hashable {
    /// Ciphertext followed by the authentication tag.
    public var ciphertext: Data
    /// The nonce, 12 bytes, random per seal.
    public var nonce: Data
    /// Identifier of the key (`security.encryption_key_id`).
    public var keyID: String

    /// A stored ciphertext.
    public init(ciphertext: Data, nonce: Data, keyID: String) {
        self.ciphertext = ciphertext
        self.nonce = nonce
        self.keyID = keyID
    }
}
