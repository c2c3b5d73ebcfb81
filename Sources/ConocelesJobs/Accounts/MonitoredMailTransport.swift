import Foundation
import Logging
import Mail
import Metrics
import PostgresNIO
import Storage
import Synchronization

/// The workers' mail transport: sends through `base` and keeps ``MailServerStatus`` current —
/// a failure of the server or of the configuration (authentication, TLS, a refused relay, no
/// connection, a timeout) opens the alert (staff's banner, `/metrics`) and counts in
/// `conoceles_mail_server_problems_total{code}`; the next accepted message closes it. A
/// refusal of one message (an unknown mailbox) or a 4xx is not a server problem.
public struct MonitoredMailTransport: MailTransport {
    public let base: any MailTransport
    let status: MailServerStatusRepository
    let logger: Logger
    /// When this transport last wrote a success, and whether it saw a problem since: a busy
    /// worker writes a success at most every 30 s, not once per message.
    let lastSuccess = SuccessMemo()

    final class SuccessMemo: Sendable {
        let state = Mutex<(at: ContinuousClock.Instant?, problemSince: Bool)>((nil, false))

        /// Whether a success should be written now (and notes that it is).
        func shouldWrite() -> Bool {
            state.withLock { state in
                if !state.problemSince, let at = state.at, ContinuousClock.now - at < .seconds(30) { return false }
                state = (.now, false)
                return true
            }
        }

        func problem() { state.withLock { $0.problemSince = true } }
    }

    public init(base: any MailTransport, client: PostgresClient, logger: Logger) {
        self.base = base
        self.status = MailServerStatusRepository(client: client, logger: logger)
        self.logger = logger
    }

    /// Whether `error` refuses every message alike (the server or the configuration).
    public static func isServerProblem(_ error: SMTPError) -> Bool {
        switch error.code {
        case .transientRejection: false
        case .permanentRejection: !error.isMessageRefusal
        default: true
        }
    }

    public func send(_ message: MailMessage) async throws {
        do {
            try await base.send(message)
        } catch let error as SMTPError where Self.isServerProblem(error) {
            Counter(label: "conoceles_mail_server_problems_total", dimensions: [("code", error.code.rawValue)]).increment()
            lastSuccess.problem()
            do {
                try await status.recordProblem(code: error.code.rawValue, detail: MailFailure.reply(of: error))
            } catch {
                logger.warning("mail server problem not recorded", metadata: ["error": "\(String(reflecting: error))"])
            }
            throw error
        }
        guard lastSuccess.shouldWrite() else { return }
        do {
            try await status.recordSuccess()
        } catch {
            logger.warning("mail server status not updated", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
