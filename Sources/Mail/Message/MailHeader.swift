/// A custom header such as `X-Conoceles-Idempotency-Key`, validated when built.
///
/// Values may be any Unicode text without control characters; non-ASCII values are RFC 2047
/// encoded when rendered. Headers the message manages itself are refused.
public struct MailHeader: Sendable, Hashable {
    /// The field name, printable ASCII without `:`, at most 76 characters.
    public let name: String
    /// The unencoded value.
    public let value: String

    /// Header names a ``MailMessage`` writes itself (lowercased).
    public static let reservedNames: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "sender", "subject", "date", "message-id",
        "mime-version", "content-type", "content-transfer-encoding", "return-path", "received",
    ]

    /// - Throws: ``MailMessageError/invalidHeaderName(_:)``, ``MailMessageError/reservedHeader(_:)``,
    ///   ``MailMessageError/lineBreakInHeader(field:)`` or ``MailMessageError/controlCharacterInHeader(field:)``.
    public init(_ name: String, _ value: String) throws(MailMessageError) {
        guard (1...76).contains(name.utf8.count),
            name.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") })
        else { throw .invalidHeaderName(name.filter { $0.isASCII && !$0.isNewline }) }
        guard !Self.reservedNames.contains(name.lowercased()) else { throw .reservedHeader(name) }
        try HeaderValidation.checkValue(value, field: name)
        self.name = name
        self.value = value
    }
}
