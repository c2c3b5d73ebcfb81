import Foundation
import JobArguments
import JobQueue
import Storage

/// `sessions.purge` (hourly, `jobs/schedules.yaml`): deletes expired web sessions, used or
/// expired password-reset links, expired kept forms (`KeptFormRepository`), sign-in
/// attempts older than the retention (30 days by default; they are kept that long to
/// investigate attacks), and the per-recipient records of sent mail (`mail_deliveries`)
/// older than the same retention.
public struct SessionPurgeWorker: EnvironmentWorker {
    public typealias Args = SessionPurgeJob

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let days = max(1, args.attemptRetentionDays ?? 30)
        let sessions = try await SessionRepository(client: environment.client, logger: context.logger, idleTimeout: .seconds(60))
            .purgeExpired()
        let resets = try await PasswordResetRepository(client: environment.client, logger: context.logger).purgeFinished()
        let kept = try await KeptFormRepository(client: environment.client, cipher: environment.cipher, logger: context.logger)
            .purgeExpired()
        let attempts = try await LoginThrottle(client: environment.client, logger: context.logger)
            .purge(olderThan: .seconds(days * 86_400))
        let deliveries = try await MailDeliveryLog(client: environment.client, logger: context.logger)
            .purge(olderThan: .seconds(days * 86_400))
        context.logger.info(
            "sessions purged",
            metadata: [
                "sessions": "\(sessions)", "password_resets": "\(resets)", "kept_forms": "\(kept)", "login_attempts": "\(attempts)",
                "mail_deliveries": "\(deliveries)",
            ])
    }
}
