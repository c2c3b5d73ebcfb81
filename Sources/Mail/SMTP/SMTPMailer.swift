import Dispatch
import Synchronization

/// Sends messages through an SMTP server with libcurl (plain, STARTTLS or TLS, optional AUTH).
///
/// One mailer owns one curl handle, so consecutive sends reuse one SMTP connection (curl keeps
/// it open between transfers; an idle one older than ``SMTPSettings/maximumIdleTime`` is
/// replaced). Sends are serialized on the mailer's own dispatch queue, so curl's blocking calls
/// never occupy Swift concurrency's cooperative threads; for parallel delivery use several
/// mailers. Cancelling the sending task aborts the transfer within about a second.
///
/// A send that fails after the server received the message text but before it answered may
/// have delivered it: callers keep an idempotency record, as the design requires.
public final class SMTPMailer: MailTransport {
    /// The settings this mailer was built with.
    public let settings: SMTPSettings
    private let queue: DispatchQueue
    private let session: Mutex<CurlSession>
    private let connectionCount = Atomic(0)

    /// A mailer; it connects on the first send.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidConfiguration`` for invalid settings.
    public init(settings: SMTPSettings) throws(SMTPError) {
        try settings.validate()
        self.settings = settings
        self.queue = DispatchQueue(label: "conoceles.mail.smtp", qos: .utility)
        self.session = Mutex(CurlSession(settings: settings))
    }

    /// How many SMTP connections this mailer has opened so far (1 for a batch that reused one).
    public var connectionsOpened: Int {
        connectionCount.load(ordering: .relaxed)
    }

    /// Delivers `message` to its `To` recipients, with ``SMTPSettings/from`` as envelope sender.
    /// - Throws: ``SMTPError``, or `CancellationError` if the task is cancelled.
    public func send(_ message: MailMessage) async throws {
        try Task.checkCancellation()
        let payload = message.rendered()
        let recipients = message.to.map(\.address)
        let cancellation = CancellationFlag()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlSession.Outcome, Never>) in
                queue.async {
                    let outcome = self.session.withLock { session in
                        session.send(payload: payload, recipients: recipients, cancellation: cancellation)
                    }
                    continuation.resume(returning: outcome)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        connectionCount.add(outcome.newConnections, ordering: .relaxed)
        if outcome.cancelled { throw CancellationError() }
        try outcome.result.get()
    }

    /// Closes the SMTP connection now (sending `QUIT`) instead of when the mailer is released.
    /// A later send opens a new connection.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.session.withLock { $0.close() }
                continuation.resume()
            }
        }
    }
}
