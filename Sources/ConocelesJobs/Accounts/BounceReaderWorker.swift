import Foundation
import JobArguments
import JobQueue
import Mail
import Storage

/// `mail.bounces`: reads the bounces that arrived in `smtp.bounces_maildir` (a Maildir the
/// mail server delivers the messages sent back to `smtp.from` into). Each delivery status
/// notification (multipart/report; message/delivery-status) with `Status: 5.x.x` marks the
/// accounts of its `Final-Recipient` as failing, with the status and the remote server's
/// reply, as a 550 at sending time does; staff see them on /instancia/cuentas. Every read
/// message (a DSN or anything else) moves from `new/` to `cur/` with the Seen flag, so it is
/// read once. Periodic (jobs/schedules.yaml); nothing to do when no Maildir is configured.
public struct BounceReaderWorker: EnvironmentWorker {
    public typealias Args = BounceReaderJob

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    /// What one run found.
    public struct Summary: Sendable, Equatable {
        public var messages = 0
        public var bounces = 0
        public var markedAccounts = 0
    }

    public func work(_ args: Args, context: JobContext) async throws {
        guard let maildir = environment.configuration.smtp.bouncesMaildir else { return }
        let summary = try await Self.read(maildir: maildir, environment: environment, context: context)
        context.logger.info(
            "bounces read",
            metadata: [
                "messages": "\(summary.messages)", "bounces": "\(summary.bounces)", "accounts_marked": "\(summary.markedAccounts)",
            ])
    }

    /// Reads every message of `maildir/new`, marks the failing addresses, moves the messages to `cur/`.
    public static func read(maildir: String, environment: JobEnvironment, context: JobContext) async throws -> Summary {
        let fileManager = FileManager.default
        let new = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        let cur = URL(fileURLWithPath: maildir).appendingPathComponent("cur")
        guard fileManager.fileExists(atPath: new.path) else { return Summary() }
        try fileManager.createDirectory(at: cur, withIntermediateDirectories: true)
        let accounts = AccountRepository(client: environment.client, logger: context.logger)
        var summary = Summary()
        let files = try fileManager.contentsOfDirectory(at: new, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            summary.messages += 1
            // Bounces are ASCII by RFC 3464; a message in another charset is read leniently.
            let data = try Data(contentsOf: file)
            let raw = String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
            if let report = DeliveryStatusNotification(raw: raw) {
                for failure in report.permanentFailures {
                    summary.bounces += 1
                    let reply = "Rebote (DSN) \(failure.status): \(failure.diagnostic)".trimmingCharacters(in: .whitespaces)
                    for id in try await accounts.accountIDs(email: failure.address) {
                        try await accounts.markMailFailed(accountID: id, reply: reply)
                        summary.markedAccounts += 1
                    }
                    context.logger.warning("bounce recorded", metadata: ["status": "\(failure.status)"])
                }
            }
            // Marked first, moved after: a crash in between reads the bounce again (the same mark).
            // A message another run moved meanwhile is simply gone from `new/`.
            let target = cur.appendingPathComponent(file.lastPathComponent.components(separatedBy: ":").first! + ":2,S")
            try? fileManager.moveItem(at: file, to: target)
        }
        return summary
    }
}
