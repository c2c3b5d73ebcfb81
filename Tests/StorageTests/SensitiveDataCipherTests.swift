import ConocelesCore
import Foundation
import Storage
import Testing

@Suite("SensitiveDataCipher")
struct SensitiveDataCipherTests {
    let cipher = try! SensitiveDataCipher(key: [UInt8](repeating: 1, count: 32), keyID: "k1")

    @Test func sealsAndOpensJSONBoundToItsContext() throws {
        let answers = StorageFactories.identity()
        let sealed = try cipher.seal(json: answers, context: "C-1")
        #expect(sealed.keyID == "k1")
        #expect(sealed.nonce.count == 12)
        #expect(try cipher.open(IdentityQuestionnaire.self, from: sealed, context: "C-1") == answers)
    }

    @Test func everySealHasAFreshNonce() throws {
        let a = try cipher.seal(Data("sí".utf8), context: "C-1"), b = try cipher.seal(Data("sí".utf8), context: "C-1")
        #expect(a.nonce != b.nonce)
        #expect(a.ciphertext != b.ciphertext)
    }

    @Test func aWrongKeyWithTheSameIDFailsLoudly() throws {
        let sealed = try cipher.seal(Data("Prefiero no contestar".utf8), context: "C-1")
        let impostor = try SensitiveDataCipher(key: [UInt8](repeating: 2, count: 32), keyID: "k1")
        let error = #expect(throws: SensitiveDataCipherError.self) { try impostor.open(sealed, context: "C-1") }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.description.contains("k1") == true)
    }

    @Test func anUnknownKeyIDFailsLoudly() throws {
        let sealed = try cipher.seal(Data("x".utf8), context: "C-1")
        let other = try SensitiveDataCipher(key: [UInt8](repeating: 1, count: 32), keyID: "k2")
        let error = #expect(throws: SensitiveDataCipherError.self) { try other.open(sealed, context: "C-1") }
        #expect(error?.code == .unknownKey)
    }

    @Test func anotherContextOrAlteredBytesFail() throws {
        var sealed = try cipher.seal(Data("x".utf8), context: "C-1")
        #expect(throws: SensitiveDataCipherError(.authenticationFailed, keyID: "k1")) { try cipher.open(sealed, context: "C-2") }
        sealed.ciphertext[0] ^= 0xFF
        #expect(throws: SensitiveDataCipherError(.authenticationFailed, keyID: "k1")) { try cipher.open(sealed, context: "C-1") }
        sealed.nonce = Data([1, 2, 3])
        #expect(throws: SensitiveDataCipherError(.malformed, keyID: "k1")) { try cipher.open(sealed, context: "C-1") }
    }

    @Test func aRotatedCipherOpensOldValuesAndSealsWithTheNewKey() throws {
        let old = try cipher.seal(Data("antes".utf8), context: "C-1")
        let rotated = try SensitiveDataCipher(
            key: [UInt8](repeating: 9, count: 32), keyID: "k2",
            previousKeys: ["k1": [UInt8](repeating: 1, count: 32)])
        #expect(try rotated.open(old, context: "C-1") == Data("antes".utf8))
        #expect(rotated.needsRotation(old))
        #expect(try rotated.seal(Data("después".utf8), context: "C-1").keyID == "k2")
    }

    @Test func aKeyThatIsNot32BytesIsRefused() {
        #expect(throws: SensitiveDataCipherError(.invalidKey, keyID: "k1")) {
            try SensitiveDataCipher(key: [UInt8](repeating: 1, count: 16), keyID: "k1")
        }
    }
}
