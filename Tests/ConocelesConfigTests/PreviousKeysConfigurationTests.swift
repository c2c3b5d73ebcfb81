import ConocelesConfig
import Foundation
import Testing

/// `security.previous_keys`: the older keys a rotation keeps, from the environment or the file.
@Suite("Previous encryption keys")
struct PreviousKeysConfigurationTests {
    let file = "\(repositoryRoot)/config/conoceles.yaml"
    static let current = Data(repeating: 7, count: 32)
    static let older = Data(repeating: 3, count: 32)
    static let oldest = Data(repeating: 4, count: 32)
    let secrets = [
        "CONOCELES_SECURITY_ENCRYPTION_KEY": Self.current.base64EncodedString(),
        "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
    ]

    func load(previous: String) async throws -> AppConfiguration {
        var env = secrets
        env["CONOCELES_SECURITY_PREVIOUS_KEYS"] = previous
        return try await AppConfiguration.load(file: file, environment: env)
    }

    /// The configuration file with its `previous_keys` line replaced by `lines`.
    func fileWithPreviousKeys(_ lines: String) throws -> String {
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "  previous_keys: []\n", with: lines)
        #expect(text.contains(lines))
        let copy = NSTemporaryDirectory() + "conoceles-\(UUID().uuidString).yaml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        return copy
    }

    @Test func noneByDefault() async throws {
        let config = try await AppConfiguration.load(file: file, environment: secrets)
        #expect(config.security.previousKeys.isEmpty)
        #expect(config.security.encryptionKeyID == "k1")
    }

    @Test func theEnvironmentGivesACommaSeparatedList() async throws {
        let config = try await load(previous: "2024a:\(Self.older.base64EncodedString()), 2023b:\(Self.oldest.base64EncodedString())")
        #expect(config.security.previousKeys == ["2024a": Array(Self.older), "2023b": Array(Self.oldest)])
        #expect(config.security.encryptionKey == Array(Self.current))
    }

    @Test func theFileGivesAYAMLList() async throws {
        let copy = try fileWithPreviousKeys("  previous_keys:\n    - \"2024a:\(Self.older.base64EncodedString())\"\n")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let config = try await AppConfiguration.load(file: copy, environment: secrets)
        #expect(config.security.previousKeys == ["2024a": Array(Self.older)])
    }

    @Test func theCurrentIDWithTheCurrentKeyAddsNothing() async throws {
        let config = try await load(previous: "k1:\(Self.current.base64EncodedString()),k0:\(Self.older.base64EncodedString())")
        #expect(config.security.previousKeys == ["k0": Array(Self.older)])
    }

    @Test(arguments: [
        ("k0:esto-no-es-base64!", "«k0» no está en base64"),
        ("k0:\(Data(repeating: 3, count: 16).base64EncodedString())", "«k0» debe tener 32 bytes (tiene 16)"),
        ("k1:\(PreviousKeysConfigurationTests.older.base64EncodedString())", "«k1» es el identificador de la llave vigente"),
        ("\(PreviousKeysConfigurationTests.older.base64EncodedString())", "debe tener la forma «identificador:llave en base64»"),
        (":\(PreviousKeysConfigurationTests.older.base64EncodedString())", "el elemento 1 debe tener la forma"),
        (
            "k0:\(PreviousKeysConfigurationTests.older.base64EncodedString()),k0:\(PreviousKeysConfigurationTests.oldest.base64EncodedString())",
            "«k0» aparece dos veces"
        ),
    ])
    func aWrongEntryIsRefusedInSpanishWithoutShowingTheKey(previous: String, reason: String) async throws {
        let error = await #expect(throws: ConfigurationError.self) { try await load(previous: previous) }
        #expect(error?.key == "security.previous_keys")
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.contains("CONOCELES_SECURITY_PREVIOUS_KEYS") == true)
        for secret in [Self.older, Self.oldest, Self.current] {
            #expect(error?.description.contains(secret.base64EncodedString()) == false, "a key in the message")
        }
    }

    @Test func aYAMLMappingIsRefusedRatherThanIgnored() async throws {
        let copy = try fileWithPreviousKeys("  previous_keys:\n    k0: \"\(Self.older.base64EncodedString())\"\n")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let error = await #expect(throws: ConfigurationError.self) {
            try await AppConfiguration.load(file: copy, environment: secrets)
        }
        #expect(error?.key == "security.previous_keys")
        #expect(error?.reason.contains("no como mapeo") == true)
    }
}
