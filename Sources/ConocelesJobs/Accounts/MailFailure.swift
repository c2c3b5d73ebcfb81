import JobQueue
import Logging
import Mail

/// What a mail worker does when a send fails, one rule for every e-mail of the system:
/// - the message itself refused (`SMTPError.isMessageRefusal`: an unknown mailbox) → the job
///   is discarded with the server's reply, after the caller recorded it against the account;
/// - a passing problem (connection, timeout, 4xx) → the normal retry with backoff, and on the
///   last attempt a snooze instead of a discard;
/// - a problem of the server or the configuration (authentication, TLS, a refused relay,
///   anything unexpected) → snoozed for `serverProblemSnoozeSeconds`, never discarded, with an
///   error log; ``MonitoredMailTransport`` (every worker's transport) raises the alert
///   (`conoceles_mail_server_problems_total{code}`, the `mail_server_status` banner): an
///   expired SMTP password holds every message until it is fixed, then they all go.
public enum MailFailure {
    /// How long a message waits after a server-level problem (default 5 minutes).
    public static let serverProblemSnoozeSeconds: Double = 300

    /// The error the worker throws for `error`; `what` names the message in logs.
    public static func outcome(of error: SMTPError, what: String, context: JobContext) -> any Error {
        if error.isMessageRefusal {
            return JobCancel("\(what) refused by the SMTP server: \(error.code) \(error.replyCode.map(String.init) ?? "")")
        }
        if error.isRetryable && context.attempt < context.maxAttempts {
            return error
        }
        context.logger.error(
            "SMTP server problem: the message waits and is tried again",
            metadata: [
                "code": "\(error.code)", "reply_code": "\(error.replyCode.map(String.init) ?? "")", "message": "\(what)",
            ])
        return JobSnooze(seconds: serverProblemSnoozeSeconds)
    }

    /// The server's reply as staff see it: its code and curl's text.
    public static func reply(of error: SMTPError) -> String {
        "\(error.replyCode.map(String.init) ?? "") \(error.detail)".trimmingCharacters(in: .whitespaces)
    }
}
