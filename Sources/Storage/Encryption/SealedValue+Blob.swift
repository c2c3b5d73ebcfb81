import Foundation

extension SealedValue {
    /// The value of a sealed blob (a consent document in the blob store): the 12-byte nonce
    /// followed by the ciphertext and its tag; the key id is kept in the row that names the
    /// blob. Nil when the bytes are too short to be one.
    public init?(blob: [UInt8], keyID: String) {
        guard blob.count > 12 else { return nil }
        self.init(ciphertext: Data(blob.dropFirst(12)), nonce: Data(blob.prefix(12)), keyID: keyID)
    }

    /// The bytes stored in the blob store: nonce, then ciphertext and tag.
    public var blob: [UInt8] { Array(nonce) + Array(ciphertext) }
}
