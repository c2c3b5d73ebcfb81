import Synchronization

/// Several ``SMTPMailer``s behind one ``MailTransport``, for parallel delivery.
///
/// One mailer sends one message at a time over its one SMTP connection, so a single mailer
/// caps delivery at one round trip sequence per message whatever the queue's concurrency. The
/// pool lends each send an idle mailer (connections open lazily, on a mailer's first send, and
/// are reused afterwards); a send that finds none idle waits, first come first served, until
/// one is returned. Size it to the mail queue's concurrency: then no send ever waits.
///
/// Idempotency stays with the callers, exactly as with one mailer.
public final class SMTPMailerPool: MailTransport {
    /// The settings every mailer of the pool was built with.
    public let settings: SMTPSettings
    private let mailers: [SMTPMailer]

    private struct State {
        var idle: [Int]
        var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Int, any Error>)] = []
        /// Tickets cancelled before their waiter was registered.
        var cancelled: Set<UInt64> = []
        var nextTicket: UInt64 = 0
    }

    private let state: Mutex<State>

    /// A pool of `size` mailers (at least 1); none connects before its first send.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidConfiguration`` for invalid settings.
    public init(settings: SMTPSettings, size: Int) throws(SMTPError) {
        var mailers: [SMTPMailer] = []
        for _ in 0..<max(1, size) { mailers.append(try SMTPMailer(settings: settings)) }
        self.settings = settings
        self.mailers = mailers
        self.state = Mutex(State(idle: Array(mailers.indices.reversed())))
    }

    /// How many mailers (and so, at most, SMTP connections) the pool has.
    public var size: Int { mailers.count }

    /// SMTP connections opened so far by all the pool's mailers.
    public var connectionsOpened: Int {
        mailers.reduce(0) { $0 + $1.connectionsOpened }
    }

    /// Delivers `message` through an idle mailer, waiting for one if all are busy.
    /// - Throws: ``SMTPError``, or `CancellationError` if the task is cancelled (also while waiting).
    public func send(_ message: MailMessage) async throws {
        let index = try await checkOut()
        defer { checkIn(index) }
        try await mailers[index].send(message)
    }

    /// Closes every open SMTP connection (sending `QUIT`); later sends reconnect.
    public func close() async {
        for mailer in mailers { await mailer.close() }
    }

    private func checkOut() async throws -> Int {
        try Task.checkCancellation()
        let (immediate, ticket) = state.withLock { state -> (Int?, UInt64) in
            if let index = state.idle.popLast() { return (index, 0) }
            state.nextTicket += 1
            return (nil, state.nextTicket)
        }
        if let immediate { return immediate }
        let index = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let ready: Result<Int, any Error>? = state.withLock { state in
                    if state.cancelled.remove(ticket) != nil { return .failure(CancellationError()) }
                    if let index = state.idle.popLast() { return .success(index) }
                    state.waiters.append((ticket, continuation))
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
                if let position = state.waiters.firstIndex(where: { $0.ticket == ticket }) {
                    return state.waiters.remove(at: position).continuation
                }
                state.cancelled.insert(ticket)  // not registered yet, or already served
                return nil
            }
            waiter?.resume(throwing: CancellationError())
        }
        state.withLock { _ = $0.cancelled.remove(ticket) }  // served before the cancellation arrived
        return index
    }

    private func checkIn(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.idle.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }
}
