import Foundation

extension Data {
    /// Lowercase hexadecimal, two digits per byte (what PostgreSQL's `decode(…, 'hex')` reads).
    var hexString: String { Hex.encode(self) }
}
