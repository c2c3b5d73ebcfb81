import JobArguments
import JobQueue

/// A worker built from the deployment's shared environment, as `WorkerRegistry` builds them.
public protocol EnvironmentWorker: JobWorker {
    init(environment: JobEnvironment)
}

/// The workers of Conóceles, one per job kind, in one list: the kinds this build runs
/// (`kinds`), the workers a process registers (`make`), and what `jobs/*.yaml`,
/// `jobs/schedules.yaml` and `pipelines/*.yaml` are checked against at start-up
/// (`JobDefinitionsCheck`) all come from it. Each worker's kind is its arguments' (`JobArgs`,
/// target `JobArguments`).
public enum WorkerRegistry {
    /// Every worker of this build.
    public static let workers: [any EnvironmentWorker.Type] = [
        ProbeWorker.self,
        // Registration events, accounts and mail.
        RegistrationIngestWorker.self, AccountIssueWorker.self, CredentialsMailWorker.self, PasswordResetMailWorker.self,
        SessionPurgeWorker.self, BounceReaderWorker.self,
        // Photos and profiles.
        PhotoCheckWorker.self, ProfileReturnedMailWorker.self,
        // Publication, monitoring, privacy.
        PublicationRebuildWorker.self, PublicationProfileRefreshWorker.self, StatisticsReleaseWorker.self,
        DeadlineReminderWorker.self, ProgressReportWorker.self, PrivacyPurgeWorker.self,
    ]

    /// Every kind this build has a worker for.
    public static var kinds: Set<String> { Set(workers.map { $0.kind }) }

    /// The workers, wired to their shared environment.
    public static func make(_ environment: JobEnvironment) -> JobWorkers {
        var registered = JobWorkers()
        for worker in workers { registered.register(worker.init(environment: environment)) }
        return registered
    }
}
