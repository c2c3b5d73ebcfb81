import Foundation

/// A PostgreSQL connection URL (`postgres://user:password@host:port/database?sslmode=…`)
/// split into the parts a client needs. The password is never printed.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `sslmode`, with libpq's meanings (default `disable`, as this program always did).
    public var sslMode: SSLMode
    /// The CA certificates (PEM) that verify the server's certificate: `sslrootcert` in the
    /// URL, else `database.ca_file` (set by the configuration); nil: the system's authorities.
    public var rootCertificate: String?

    /// libpq's `sslmode` values (https://www.postgresql.org/docs/current/libpq-ssl.html).
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        /// No TLS.
        case disable
        /// libpq tries without TLS first; this client tries TLS first (unverified) and falls
        /// back to plain: either way it connects whatever the server offers.
        case allow
        /// TLS when the server offers it, without verifying the certificate; else plain.
        case prefer
        /// TLS or no connection; the certificate is not verified (encryption only), unless a
        /// CA file is given: then as `verify-ca` (libpq does the same with a root.crt).
        case require
        /// TLS; the certificate must be signed by the CA file's (or the system's) authorities.
        case verifyCA = "verify-ca"
        /// As `verify-ca`, and the certificate must name the host of the URL.
        case verifyFull = "verify-full"
    }

    /// `true` when the connection is always encrypted (`require`, `verify-ca`, `verify-full`).
    public var requireTLS: Bool { [.require, .verifyCA, .verifyFull].contains(sslMode) }

    public init(
        host: String, port: Int, username: String, password: String?, database: String,
        sslMode: SSLMode = .disable, rootCertificate: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.rootCertificate = rootCertificate
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
        let items = components.queryItems ?? []
        for item in items where !["sslmode", "sslrootcert"].contains(item.name) {
            throw URLError("el parámetro «\(item.name)» no se admite; solo sslmode y sslrootcert")
        }
        let modeText = items.first { $0.name == "sslmode" }?.value ?? "disable"
        guard let mode = SSLMode(rawValue: modeText) else {
            throw URLError("sslmode «\(modeText)» no es válido; use \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var rootCertificate: String?
        if let item = items.first(where: { $0.name == "sslrootcert" }) {
            guard let path = item.value, path.hasPrefix("/") || path == "system" else {
                throw URLError("sslrootcert debe ser la ruta absoluta de un archivo PEM (o «system»)")
            }
            rootCertificate = path == "system" ? nil : path
        }
        self.init(
            host: host, port: port, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: path.removingPercentEncoding ?? path,
            sslMode: mode, rootCertificate: rootCertificate)
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
