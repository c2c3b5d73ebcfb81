/// A signed consent document kept in the blob store, encrypted like the sensitive columns:
/// its SHA-256 (of the stored, encrypted blob) and the key id that sealed it.
public struct ConsentDocument: Sendable, Hashable {
    /// Hex SHA-256 of the blob.
    public var sha256: String
    /// Key id the blob was sealed with.
    public var keyID: String

    /// A reference to a stored consent document.
    public init(sha256: String, keyID: String) {
        self.sha256 = sha256
        self.keyID = keyID
    }
}
