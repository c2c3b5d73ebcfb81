import Synchronization

/// A ``MailTransport`` that keeps messages in memory, for testing the code that sends mail
/// (queue workers) without an SMTP server. Failures can be scripted.
public final class InMemoryMailTransport: MailTransport {
    private struct State {
        var sent: [MailMessage] = []
        var scriptedFailures: [SMTPError] = []
    }

    private let state = Mutex(State())

    /// An empty transport that accepts every message.
    public init() {}

    /// The messages accepted so far, in order.
    public var sentMessages: [MailMessage] {
        state.withLock { $0.sent }
    }

    /// Makes the next sends fail with `errors`, one each, in order; later sends succeed.
    public func failNextSends(with errors: [SMTPError]) {
        state.withLock { $0.scriptedFailures.append(contentsOf: errors) }
    }

    /// Records `message`, or throws the next scripted failure.
    public func send(_ message: MailMessage) async throws {
        try Task.checkCancellation()
        let failure: SMTPError? = state.withLock { state in
            if state.scriptedFailures.isEmpty {
                state.sent.append(message)
                return nil
            }
            return state.scriptedFailures.removeFirst()
        }
        if let failure { throw failure }
    }
}
