/// Why a message could not be built. Raised when the message is built, never while it is sent,
/// so a worker can tell a bad input (discard the job) from a failed delivery (retry).
///
/// Cases carry the header field, never the offending value: values may hold personal data.
public enum MailMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A CR or LF in a header value or display name: the value could inject headers.
    case lineBreakInHeader(field: String)
    /// Another control character (NUL, ESC, DEL...) in a header value or display name.
    case controlCharacterInHeader(field: String)
    /// An address that is not a plain ASCII `local@domain` (see ``MailAddress``).
    case invalidAddress(field: String)
    /// A custom header name with characters other than printable ASCII without `:`, or too long.
    case invalidHeaderName(String)
    /// A custom header that the message manages itself (`From`, `Subject`, `Content-Type`...).
    case reservedHeader(String)
    /// A Message-ID that is not `left@right` in printable ASCII without `<`, `>` or spaces.
    case invalidMessageID
    /// A message without any recipient.
    case noRecipients

    /// Spanish, for the people who read job errors.
    public var description: String {
        switch self {
        case .lineBreakInHeader(let field):
            "El encabezado \(field) contiene un salto de línea (CR o LF); se rechaza para impedir la inyección de encabezados."
        case .controlCharacterInHeader(let field):
            "El encabezado \(field) contiene un carácter de control no permitido."
        case .invalidAddress(let field):
            "La dirección de correo en \(field) no es válida (se espera usuario@dominio en ASCII)."
        case .invalidHeaderName(let name):
            "El nombre de encabezado «\(name)» no es válido."
        case .reservedHeader(let name):
            "El encabezado «\(name)» lo genera el sistema y no puede definirse a mano."
        case .invalidMessageID:
            "El identificador Message-ID no es válido (se espera izquierda@derecha en ASCII imprimible)."
        case .noRecipients:
            "El mensaje no tiene destinatarios."
        }
    }
}
