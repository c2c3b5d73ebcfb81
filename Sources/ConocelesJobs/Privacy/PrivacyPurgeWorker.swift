import ConocelesConfig
import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `privacy.purge` (daily, `jobs/schedules.yaml`): deletes the sensitive data that are due
/// (`SensitiveDataPurge`): of candidacies substituted or cancelled at least
/// `retention.sensitive_data_days` ago, and of everyone once
/// `retention.everyone_days_after_election` days have passed since election day; signed
/// consent documents only after `retention.consent_documents_days` (kept when unset). With
/// `dry_run` it only counts. Logs counts, never content or names.
///
/// Idempotent: a retry or an overlapping run finds less or nothing to delete.
public struct PrivacyPurgeWorker: EnvironmentWorker {
    public typealias Args = PrivacyPurgeJob

    let client: PostgresClient
    let blobs: any BlobStore
    let process: ElectionProcess
    let retention: AppConfiguration.RetentionSettings
    let clock: @Sendable () -> Date
    /// Candidacies read per batch (default 500).
    let batchSize: Int
    /// Where the publication rebuild is enqueued when identity answers went (nil: none).
    let jobs: JobClient?

    /// A worker over explicit dependencies (tests, tools); `clock` gives "now".
    public init(
        client: PostgresClient, blobs: any BlobStore, process: ElectionProcess, retention: AppConfiguration.RetentionSettings,
        jobs: JobClient? = nil, batchSize: Int = 500, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.blobs = blobs
        self.process = process
        self.retention = retention
        self.jobs = jobs
        self.batchSize = batchSize
        self.clock = clock
    }

    /// The worker of this deployment: `paths.blobs`, the process and `retention.*`.
    public init(environment: JobEnvironment) {
        self.init(
            client: environment.client, blobs: FileBlobStore(root: environment.configuration.blobsDirectory),
            process: environment.process, retention: environment.configuration.retention, jobs: environment.jobs)
    }

    /// The purge, asking for a publication rebuild in each transaction that deleted identity
    /// answers (the snapshot shows consenting people's answers; it must not outlive them).
    public static func purge(client: PostgresClient, blobs: any BlobStore, processID: String, jobs: JobClient?, logger: Logger)
        -> SensitiveDataPurge
    {
        SensitiveDataPurge(
            client: client, blobs: blobs, logger: logger,
            identityPurged: jobs.map { jobs in
                { @Sendable connection in
                    try await PublicationRebuildJob.enqueue(
                        processID: processID, reason: "privacy.purge", jobs: jobs, on: connection, logger: logger)
                }
            })
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let dryRun = args.dryRun ?? false
        let now = clock()
        let purge = Self.purge(client: client, blobs: blobs, processID: process.id, jobs: jobs, logger: context.logger)
        let actor = AuditActor.system(Self.kind)
        let items = try await purge.allDue(
            processID: process.id, electionDay: process.electionDay, timeZone: process.timeZone,
            retentionDays: retention.sensitiveDataDays, everyoneAfterDays: retention.everyoneDaysAfterElection,
            consentDocumentsAfterDays: retention.consentDocumentsDays, now: now, batchSize: batchSize)
        var totals = PurgeTotals()
        for item in items {
            if dryRun {
                totals.add(item)
            } else {
                totals.add(try await purge.purge(item, by: actor, at: now))
            }
        }
        context.logger.info(dryRun ? "sensitive data due (dry run)" : "sensitive data purged", metadata: totals.metadata)
    }
}
