import JobQueue

/// The workers of Conóceles, one per job kind. Each feature (registration events, accounts
/// and mail, photos, publication, monitoring, privacy) registers its own here.
public enum WorkerRegistry {
    /// Every kind this build has a worker for; `jobs/*.yaml` and `pipelines/*.yaml` may
    /// only name these.
    public static let kinds: Set<String> = [
        ProbeWorker.kind, RegistrationIngestWorker.kind, AccountIssueWorker.kind, CredentialsMailWorker.kind,
        PasswordResetMailWorker.kind, SessionPurgeWorker.kind,
        PhotoCheckWorker.kind, ProfileReturnedMailWorker.kind, PrivacyPurgeWorker.kind, PublicationRebuildWorker.kind,
        PublicationProfileRefreshWorker.kind,
        DeadlineReminderWorker.kind, ProgressReportWorker.kind, StatisticsReleaseWorker.kind, BounceReaderWorker.kind,
    ]

    /// The workers, wired to their shared environment.
    public static func make(_ environment: JobEnvironment) -> JobWorkers {
        var workers = JobWorkers()
        workers.register(ProbeWorker())
        workers.register(RegistrationIngestWorker(environment: environment))
        workers.register(AccountIssueWorker(environment: environment))
        workers.register(CredentialsMailWorker(environment: environment))
        workers.register(PasswordResetMailWorker(environment: environment))
        workers.register(SessionPurgeWorker(environment: environment))
        workers.register(PhotoCheckWorker(environment: environment))
        workers.register(ProfileReturnedMailWorker(environment: environment))
        workers.register(PrivacyPurgeWorker(environment: environment))
        workers.register(DeadlineReminderWorker(environment: environment))
        workers.register(ProgressReportWorker(environment: environment))
        workers.register(PublicationRebuildWorker(environment: environment))
        workers.register(PublicationProfileRefreshWorker(environment: environment))
        workers.register(StatisticsReleaseWorker(environment: environment))
        workers.register(BounceReaderWorker(environment: environment))
        return workers
    }
}
