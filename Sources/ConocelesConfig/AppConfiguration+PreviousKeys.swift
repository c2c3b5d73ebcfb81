import Foundation
import Yams

/// `security.previous_keys`: the keys a rotation keeps so that what they sealed still opens.
///
/// Written as a list of `id:llave` items, the key in base64 (32 bytes), e.g. in YAML
///
///     security:
///       previous_keys:
///         - "2024a:BASE64…"
///
/// or in the environment, comma-separated:
/// `CONOCELES_SECURITY_PREVIOUS_KEYS="2024a:BASE64…,2023b:BASE64…"`. A secret: never printed.
extension AppConfiguration.SecuritySettings {
    static let previousKeysKey = "security.previous_keys"

    /// The previous keys of `entries` (`id:base64` each), validated against the current key.
    /// An entry naming the current id is accepted only with the current key (it adds nothing).
    /// - Throws: `ConfigurationError` naming `security.previous_keys` and the entry's id (never
    ///   the key) for a missing id, bad base64, a key that is not 32 bytes, an id given twice
    ///   with different keys, or the current id with another key.
    static func parsePreviousKeys(_ entries: [String]?, currentKey: [UInt8], currentID: String) throws(ConfigurationError) -> [String: [UInt8]] {
        var keys: [String: [UInt8]] = [:]
        for (index, entry) in (entries ?? []).enumerated() {
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let id = parts[0].trimmingCharacters(in: .whitespaces)
            guard parts.count == 2, !id.isEmpty else {
                throw ConfigurationError(
                    key: previousKeysKey,
                    reason: "el elemento \(index + 1) debe tener la forma «identificador:llave en base64»")
            }
            guard let key = Data(base64Encoded: parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(key: previousKeysKey, reason: "la llave «\(id)» no está en base64 válido")
            }
            guard key.count == 32 else {
                throw ConfigurationError(
                    key: previousKeysKey, reason: "la llave «\(id)» debe tener 32 bytes (tiene \(key.count))")
            }
            if id == currentID, Array(key) != currentKey {
                throw ConfigurationError(
                    key: previousKeysKey,
                    reason: "«\(id)» es el identificador de la llave vigente (security.encryption_key_id) con otra llave; "
                        + "una llave anterior necesita su propio identificador")
            }
            if let earlier = keys[id], earlier != Array(key) {
                throw ConfigurationError(key: previousKeysKey, reason: "el identificador «\(id)» aparece dos veces con llaves distintas")
            }
            if id != currentID { keys[id] = Array(key) }
        }
        return keys
    }
}

extension AppConfiguration {
    /// Refuses `security.previous_keys` written as a YAML mapping (`id: llave`): the
    /// configuration reader flattens a mapping into separate keys it cannot list, so those
    /// keys would be silently ignored. A file that cannot be read or parsed is left to the
    /// reader, which reports it.
    static func refuseMappedPreviousKeys(file: String) throws(ConfigurationError) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            let root = try? Yams.compose(yaml: text),
            root["security"]?["previous_keys"]?.mapping != nil
        else { return }
        throw ConfigurationError(
            key: SecuritySettings.previousKeysKey,
            reason: "escríbala como lista de «identificador:llave en base64» (- \"2024a:…\"), no como mapeo")
    }
}
