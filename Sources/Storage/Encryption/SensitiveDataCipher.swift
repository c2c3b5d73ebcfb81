import Crypto
import Foundation

/// Encrypts sensitive columns (identity answers, consent documents) with AES-256-GCM.
///
/// Each seal uses a fresh random nonce and stores the key id next to the ciphertext. The
/// caller passes a `context` (the row's key, e.g. the candidacy id) that is authenticated
/// but not stored in the ciphertext: a value copied into another row does not open.
/// Rotation: configure the new key as current and keep the old ones in `previousKeys`;
/// values sealed with an old key still open, new seals use the current key.
public struct SensitiveDataCipher: Sendable {
    /// Identifier of the current key, stored with every new seal.
    public let keyID: String
    private let keys: [String: [UInt8]]

    /// A cipher whose current key is `key` (32 bytes) named `keyID`, able to open values
    /// sealed with any of `previousKeys` (by id; none by default).
    public init(key: [UInt8], keyID: String, previousKeys: [String: [UInt8]] = [:]) throws(SensitiveDataCipherError) {
        var keys: [String: [UInt8]] = [:]
        for (id, bytes) in previousKeys.merging([keyID: key], uniquingKeysWith: { _, current in current }) {
            guard bytes.count == 32 else { throw SensitiveDataCipherError(.invalidKey, keyID: id) }
            keys[id] = bytes
        }
        self.keyID = keyID
        self.keys = keys
    }

    /// Seals `plaintext` with the current key, binding it to `context`.
    public func seal(_ plaintext: Data, context: String) throws(SensitiveDataCipherError) -> SealedValue {
        guard let key = keys[keyID].map(SymmetricKey.init(data:)) else { throw SensitiveDataCipherError(.unknownKey, keyID: keyID) }
        do {
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: Data(context.utf8))
            var ciphertext = Data(capacity: box.ciphertext.count + 16)  // zero-based, unlike the box's slices
            ciphertext.append(contentsOf: box.ciphertext)
            ciphertext.append(contentsOf: box.tag)
            return SealedValue(ciphertext: ciphertext, nonce: Data(box.nonce), keyID: keyID)
        } catch {
            throw SensitiveDataCipherError(.encoding, keyID: keyID)
        }
    }

    /// Opens `sealed` with the key it names; fails with `.unknownKey` when that key is not
    /// held and `.authenticationFailed` when the key is wrong, the bytes were altered or
    /// `context` differs from the one it was sealed with.
    public func open(_ sealed: SealedValue, context: String) throws(SensitiveDataCipherError) -> Data {
        guard let key = keys[sealed.keyID].map(SymmetricKey.init(data:)) else { throw SensitiveDataCipherError(.unknownKey, keyID: sealed.keyID) }
        guard sealed.ciphertext.count >= 16, sealed.nonce.count == 12 else {
            throw SensitiveDataCipherError(.malformed, keyID: sealed.keyID)
        }
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: sealed.nonce),
                ciphertext: sealed.ciphertext.dropLast(16),
                tag: sealed.ciphertext.suffix(16))
        } catch {
            throw SensitiveDataCipherError(.malformed, keyID: sealed.keyID)
        }
        do {
            return try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        } catch {
            throw SensitiveDataCipherError(.authenticationFailed, keyID: sealed.keyID)
        }
    }

    /// Seals `value` encoded as JSON.
    public func seal<Value: Encodable>(json value: Value, context: String) throws(SensitiveDataCipherError) -> SealedValue {
        let plaintext: Data
        do { plaintext = try JSONCoding.encode(value) } catch { throw SensitiveDataCipherError(.encoding, keyID: keyID) }
        return try seal(plaintext, context: context)
    }

    /// Opens `sealed` and decodes its JSON as `type`.
    public func open<Value: Decodable>(_ type: Value.Type, from sealed: SealedValue, context: String) throws(SensitiveDataCipherError) -> Value {
        let plaintext = try open(sealed, context: context)
        do { return try JSONCoding.decode(type, from: plaintext) } catch {
            throw SensitiveDataCipherError(.encoding, keyID: sealed.keyID)
        }
    }

    /// Whether `sealed` was sealed with a key other than the current one (re-encrypt it).
    public func needsRotation(_ sealed: SealedValue) -> Bool { sealed.keyID != keyID }
}
