/// A failed SMTP delivery or an unusable configuration.
///
/// ``isRetryable`` is what a queue worker needs: connection failures, timeouts and 4xx
/// replies are worth retrying with backoff; 5xx replies (rejected recipient, refused message),
/// failed authentication, TLS and configuration problems are not. ``detail`` is curl's message
/// (English), with the password removed; it never contains message content.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, extensible.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// A stable English identifier, for logs and metrics.
        public let rawValue: String
        /// Wraps a raw identifier.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw identifier.
        public var description: String { rawValue }

        /// The server could not be reached or dropped the connection (refused, DNS, reset). Retryable.
        public static let connectionFailed = Code(rawValue: "connection_failed")
        /// The connect or total timeout expired. Retryable.
        public static let timedOut = Code(rawValue: "timed_out")
        /// The server answered 4xx (try later). Retryable.
        public static let transientRejection = Code(rawValue: "transient_rejection")
        /// The server answered 5xx: recipient, sender or message refused. Permanent.
        public static let permanentRejection = Code(rawValue: "permanent_rejection")
        /// SMTP AUTH failed or no mechanism was usable. Permanent until configuration changes.
        public static let authenticationFailed = Code(rawValue: "authentication_failed")
        /// TLS could not be established or verified (or STARTTLS isn't offered). Permanent.
        public static let tlsFailed = Code(rawValue: "tls_failed")
        /// The settings are invalid, or curl lacks a feature. Permanent.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// Anything else curl reported. Permanent, so it is looked at rather than retried forever.
        public static let unexpected = Code(rawValue: "unexpected")
    }

    /// What went wrong.
    public let code: Code
    /// The last SMTP reply code of the failed exchange (e.g. 550), `nil` when there was none.
    public let replyCode: Int?
    /// curl's result code (`CURLcode`), `nil` for errors found before calling curl.
    public let curlCode: Int?
    /// curl's message, English, password removed.
    public let detail: String

    /// An error; `detail` must already be free of secrets.
    public init(code: Code, replyCode: Int? = nil, curlCode: Int? = nil, detail: String) {
        self.code = code
        self.replyCode = replyCode
        self.curlCode = curlCode
        self.detail = detail
    }

    /// Whether sending the same message again later may succeed.
    public var isRetryable: Bool {
        [.connectionFailed, .timedOut, .transientRejection].contains(code)
    }

    /// Whether this message itself was refused (its recipient or content: a 5xx such as
    /// "550 unknown mailbox"), so the others still go through. False for problems of the
    /// server or of the configuration (connection, TLS, authentication, a refused relay:
    /// 5.7.x), which refuse every message alike and must never discard one.
    public var isMessageRefusal: Bool {
        guard code == .permanentRejection else { return false }
        let text = detail.lowercased()
        return !(text.contains("5.7.") || text.contains("relay") || text.contains("auth"))
    }

    /// Spanish summary followed by the technical detail.
    public var description: String {
        let summary =
            switch code {
            case .connectionFailed: "No se pudo conectar con el servidor de correo o se perdió la conexión"
            case .timedOut: "Se agotó el tiempo de espera del servidor de correo"
            case .transientRejection: "El servidor de correo rechazó el envío temporalmente"
            case .permanentRejection: "El servidor de correo rechazó el envío de forma definitiva"
            case .authenticationFailed: "Falló la autenticación con el servidor de correo"
            case .tlsFailed: "No se pudo establecer una conexión TLS segura con el servidor de correo"
            case .invalidConfiguration: "La configuración de correo no es válida"
            default: "Error inesperado al enviar el correo"
            }
        let reply = replyCode.map { " (respuesta SMTP \($0))" } ?? ""
        return "\(summary)\(reply): \(detail) [\(code)]"
    }
}
