/// Something that delivers a ``MailMessage``: ``SMTPMailer`` in production,
/// ``InMemoryMailTransport`` in tests of the code that sends mail.
public protocol MailTransport: Sendable {
    /// Delivers `message` to all its recipients, or throws.
    ///
    /// Implementations throw ``SMTPError`` (check ``SMTPError/isRetryable``) or
    /// `CancellationError` when the calling task is cancelled.
    func send(_ message: MailMessage) async throws
}
