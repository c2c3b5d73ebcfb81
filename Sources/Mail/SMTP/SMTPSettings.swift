/// How to reach the SMTP submission server. Validated by ``validate()`` (and by
/// ``SMTPMailer/init(settings:)``) with an error that names the configuration key.
public struct SMTPSettings: Sendable, Hashable {
    /// Transport security.
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain SMTP (`smtp://`): only for a local relay or a test sink.
        case none
        /// `smtp://` upgraded with STARTTLS, which is required (the send fails if the server
        /// doesn't offer it). The usual choice for port 587.
        case startTLS = "starttls"
        /// Implicit TLS (`smtps://`), usually port 465.
        case tls
    }

    /// SMTP AUTH credentials. The password never appears in descriptions, mirrors or errors.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// The login name.
        public var username: String
        /// The secret.
        public var password: String

        /// Credentials for SMTP AUTH.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// `username:***`.
        public var description: String { "\(username):***" }
        /// Same as ``description``.
        public var debugDescription: String { description }
        /// Shows only the username.
        public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "***"]) }
    }

    /// Server host name or IP address.
    public var host: String
    /// Server port (25, 465, 587; a free port for a test sink).
    public var port: Int
    /// Transport security.
    public var security: Security
    /// Credentials for SMTP AUTH, `nil` for none. Refused with ``Security/none`` unless the host
    /// is loopback, so a password never crosses a network in clear.
    public var credentials: Credentials?
    /// The envelope sender (`MAIL FROM`, where bounces go) and the `From` that callers use.
    public var from: MailAddress
    /// Limit for establishing the connection (TCP and TLS). Default 10 s.
    public var connectTimeout: Duration
    /// Limit for one whole send, connection included. Default 60 s.
    public var totalTimeout: Duration
    /// An idle connection older than this is not reused. Default 60 s.
    public var maximumIdleTime: Duration
    /// The name sent in `EHLO`; `nil` lets curl use the local host name.
    public var clientName: String?
    /// A PEM file of certificate authorities to trust instead of the system's, `nil` for the system's.
    public var caCertificatePath: String?

    /// Settings with documented defaults for the timeouts.
    public init(
        host: String,
        port: Int,
        security: Security,
        credentials: Credentials? = nil,
        from: MailAddress,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(60),
        maximumIdleTime: Duration = .seconds(60),
        clientName: String? = nil,
        caCertificatePath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.credentials = credentials
        self.from = from
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maximumIdleTime = maximumIdleTime
        self.clientName = clientName
        self.caCertificatePath = caCertificatePath
    }

    /// Checks every field.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidConfiguration`` naming the key.
    public func validate() throws(SMTPError) {
        func invalid(_ key: String, _ why: String) -> SMTPError {
            SMTPError(code: .invalidConfiguration, detail: "smtp.\(key): \(why)")
        }
        let forbiddenInHost = Set("/@?#[]\\ \t\r\n%".unicodeScalars)
        guard !host.isEmpty, !host.unicodeScalars.contains(where: { forbiddenInHost.contains($0) || $0.value < 0x20 })
        else { throw invalid("host", "nombre de servidor vacío o con caracteres no permitidos") }
        guard (1...65_535).contains(port) else { throw invalid("port", "debe estar entre 1 y 65535") }
        guard connectTimeout > .zero else { throw invalid("connect_timeout", "debe ser mayor que cero") }
        guard totalTimeout > .zero else { throw invalid("total_timeout", "debe ser mayor que cero") }
        guard maximumIdleTime >= .seconds(1) else { throw invalid("maximum_idle_time", "debe ser al menos 1 s") }
        if let clientName {
            guard !clientName.isEmpty,
                clientName.utf8.allSatisfy({
                    $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                        || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                })
            else { throw invalid("client_name", "solo letras ASCII, dígitos, punto y guion") }
        }
        if let credentials {
            guard !credentials.username.isEmpty, !Self.hasControlCharacter(credentials.username)
            else { throw invalid("username", "vacío o con caracteres de control") }
            guard !Self.hasControlCharacter(credentials.password)
            else { throw invalid("password", "contiene caracteres de control") }
            guard security != .none || isLoopbackHost
            else { throw invalid("security", "con credenciales se requiere starttls o tls (salvo en localhost)") }
        }
    }

    /// The URL curl connects to; its path is the `EHLO` name.
    var url: String {
        let scheme = security == .tls ? "smtps" : "smtp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)/\(clientName ?? "")"
    }

    private var isLoopbackHost: Bool {
        ["localhost", "::1"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    private static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
