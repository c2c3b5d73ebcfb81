/// Why sensitive data could not be sealed or opened. Never carries the data.
public struct SensitiveDataCipherError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        /// The configured key is not 32 bytes.
        case invalidKey = "invalid_key"
        /// The value was sealed with a key id this cipher does not hold.
        case unknownKey = "unknown_key"
        /// Authentication failed: wrong key for that id, altered ciphertext, or a ciphertext
        /// moved to another row (the context does not match).
        case authenticationFailed = "authentication_failed"
        /// The stored nonce or ciphertext has the wrong shape.
        case malformed = "malformed"
        /// The value could not be encoded to, or decoded from, JSON.
        case encoding = "encoding"
    }

    /// What went wrong.
    public let code: Code
    /// The key id involved.
    public let keyID: String

    /// An error of `code` for `keyID`.
    public init(_ code: Code, keyID: String) {
        self.code = code
        self.keyID = keyID
    }

    /// Spanish explanation for operators (no data in it).
    public var description: String {
        switch code {
        case .invalidKey: "La llave de cifrado «\(keyID)» debe tener 32 bytes (\(code.rawValue))."
        case .unknownKey: "Los datos se cifraron con la llave «\(keyID)», que no está configurada (\(code.rawValue))."
        case .authenticationFailed:
            "No se pudieron descifrar los datos con la llave «\(keyID)»: la llave no corresponde o los datos fueron alterados (\(code.rawValue))."
        case .malformed: "El dato cifrado con la llave «\(keyID)» está dañado (\(code.rawValue))."
        case .encoding: "No se pudo convertir el dato protegido a JSON (\(code.rawValue))."
        }
    }
}
