import JobQueue

/// Arguments of `system.probe` (`conoceles jobs probe`): a job that only proves the workers run.
public struct ProbeJob: JobArgs {
    public static let kind = "system.probe"
    /// How long the job takes, in milliseconds (default 0).
    public var sleepMilliseconds: Int?

    public init(sleepMilliseconds: Int? = nil) {
        self.sleepMilliseconds = sleepMilliseconds
    }

    enum CodingKeys: String, CodingKey { case sleepMilliseconds = "sleep_ms" }
}

/// Arguments of `privacy.purge` (cron, and after a cancellation).
public struct PrivacyPurgeJob: JobArgs {
    public static let kind = "privacy.purge"
    /// Count what is due without deleting anything (default false).
    public var dryRun: Bool?
    public init(dryRun: Bool? = nil) { self.dryRun = dryRun }
    enum CodingKeys: String, CodingKey { case dryRun = "dry_run" }
}

/// Arguments of `reports.progress` (cron, or staff's "generate now").
public struct ProgressReportJob: JobArgs, Equatable {
    public static let kind = "reports.progress"
    /// Asked for by staff: a report of today, outside the schedule.
    public var onDemand: Bool?

    public init(onDemand: Bool? = nil) {
        self.onDemand = onDemand
    }
}

/// Arguments of `reminders.deadline` (cron): none.
public struct DeadlineReminderJob: JobArgs {
    public static let kind = "reminders.deadline"
    public init() {}
}
