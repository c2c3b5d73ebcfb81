/// A configuration value that is missing or wrong. Stops the program at start-up with a
/// message that names the key (and its environment variable) and the reason, in Spanish.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted key as written in `config/conoceles.yaml`, e.g. `http.port`.
    public let key: String
    /// Spanish explanation of what is wrong and what is expected.
    public let reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    /// Environment variable that overrides the key (`http.port` → `CONOCELES_HTTP_PORT`).
    public var environmentVariable: String {
        "CONOCELES_" + key.uppercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()
    }

    public var description: String {
        "Configuración inválida en «\(key)» (variable \(environmentVariable)): \(reason)"
    }
}
