import Foundation

/// An e-mail message, validated when built and rendered as RFC 5322 / MIME bytes.
///
/// Every header value is checked when it enters the message, so a message that exists can
/// always be rendered and can't carry injected headers. The text part is required; with an
/// HTML part the message is `multipart/alternative` (text first, HTML preferred by clients).
/// Both parts are UTF-8, quoted-printable.
///
/// ```swift
/// let message = try MailMessage(
///     from: settings.from, to: [MailAddress("ana@example.mx", displayName: "Ana Núñez")],
///     subject: "Activa tu cuenta", textBody: text, htmlBody: html
/// ).addingHeader("X-Conoceles-Idempotency-Key", key)
/// ```
public struct MailMessage: Sendable, Hashable {
    /// The author (`From`).
    public let from: MailAddress
    /// The recipients (`To`), also the SMTP envelope recipients. Never empty.
    public let to: [MailAddress]
    /// Where replies go (`Reply-To`), `nil` for the author.
    public let replyTo: MailAddress?
    /// The unencoded subject.
    public let subject: String
    /// The plain-text part.
    public let textBody: String
    /// The HTML part, `nil` for a text-only message.
    public let htmlBody: String?
    /// The `Date` header (rendered in UTC).
    public let date: Date
    /// The `Message-ID` without angle brackets, `left@right`.
    public let messageID: String
    /// Custom headers, in the order they were added.
    public private(set) var headers: [MailHeader]
    /// The MIME boundary of the alternative parts; its `=_` can't occur in quoted-printable.
    let boundary: String

    /// Builds a message.
    /// - Parameters:
    ///   - date: defaults to now.
    ///   - messageID: without angle brackets; defaults to a random UUID at the sender's domain.
    ///     Pass one derived from an idempotency key to keep it stable across retries.
    /// - Throws: ``MailMessageError`` for an empty recipient list, a line break or control
    ///   character in the subject, or an invalid Message-ID.
    public init(
        from: MailAddress,
        to: [MailAddress],
        replyTo: MailAddress? = nil,
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        date: Date = Date(),
        messageID: String? = nil
    ) throws(MailMessageError) {
        guard !to.isEmpty else { throw .noRecipients }
        try HeaderValidation.checkValue(subject, field: "Subject")
        let uuid = UUID().uuidString.lowercased()
        let messageID = messageID ?? "\(uuid)@\(from.domain)"
        guard Self.isValid(messageID: messageID) else { throw .invalidMessageID }
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.date = date
        self.messageID = messageID
        self.headers = []
        // Derived from the Message-ID, so a message built again with the same id, date and
        // bodies (a retry) renders to the same bytes.
        self.boundary = "=_conoceles_" + Self.stableDigest(messageID)
    }

    /// 128 bits of two FNV-1a hashes of `text`, in hex (not a security digest: a boundary only
    /// has to be stable, and `=_` already keeps it out of quoted-printable text).
    static func stableDigest(_ text: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325, second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x100_0000_01b3
            second = (second &* 0x100_0000_01b3) ^ UInt64(byte)
        }
        return String(first, radix: 16) + String(second, radix: 16)
    }

    /// Appends a custom header, e.g. `X-Conoceles-Idempotency-Key`.
    /// - Throws: see ``MailHeader/init(_:_:)``.
    public mutating func addHeader(_ name: String, _ value: String) throws(MailMessageError) {
        headers.append(try MailHeader(name, value))
    }

    /// A copy with a custom header appended, for chaining.
    /// - Throws: see ``MailHeader/init(_:_:)``.
    public func addingHeader(_ name: String, _ value: String) throws(MailMessageError) -> MailMessage {
        var copy = self
        try copy.addHeader(name, value)
        return copy
    }

    private static func isValid(messageID: String) -> Bool {
        let parts = messageID.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty }
            && messageID.utf8.count <= 250
            && messageID.utf8.allSatisfy { (33...126).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }
}
