import Foundation

/// A PostgreSQL connection URL (`postgres://user:password@host:port/database?sslmode=…`)
/// split into the parts a client needs. The password is never printed.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `true` when `sslmode` asks for TLS (`require`, `verify-ca`, `verify-full`).
    public var requireTLS: Bool

    public init(host: String, port: Int, username: String, password: String?, database: String, requireTLS: Bool) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
    }

    /// Parses a URL; the error's text is Spanish and says what is missing.
    public init(parsing text: String) throws(URLError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw URLError("debe empezar con postgres:// (ejemplo: postgres://usuario@127.0.0.1:5432/base)") }
        guard let host = components.host, !host.isEmpty else { throw URLError("falta el servidor (host)") }
        guard let user = components.user, !user.isEmpty else { throw URLError("falta el usuario") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw URLError("falta el nombre de la base de datos") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw URLError("el puerto \(port) no es válido") }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslmode) else {
            throw URLError("sslmode «\(sslmode)» no es válido")
        }
        self.init(
            host: host, port: port, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: path.removingPercentEncoding ?? path,
            requireTLS: ["require", "verify-ca", "verify-full"].contains(sslmode))
    }

    /// The URL without its password, safe for logs.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// A reason why a database URL could not be parsed.
    public struct URLError: Error, Sendable, Equatable {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
