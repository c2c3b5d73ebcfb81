import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `reports.progress` (daily, `jobs/schedules.yaml`): generates the progress report that is
/// due (`ElectionProcess.scheduledReports`: the periodic ones, April and May by default, and
/// the final one within four months after election day) and stores it with its HTML and CSV
/// for staff to download (`/instancia/informes`).
///
/// Only the latest report whose date has come is generated, once: an earlier one that was
/// missed is not made up later with today's numbers. A second run finds it stored and does
/// nothing. Reports dated after the campaigns' end list the candidacies never published.
///
/// With `onDemand` (staff's "Generar informe ahora"), it generates a report dated today with
/// the numbers of the moment, whatever the schedule, replacing that day's earlier one.
public struct ProgressReportWorker: EnvironmentWorker {
    public typealias Args = ProgressReportJob

    let client: PostgresClient
    let process: ElectionProcess
    let municipalities: Catalog?
    let clock: @Sendable () -> Date

    /// A worker over explicit dependencies; `clock` gives "now" (tests drive the schedule with it).
    public init(
        client: PostgresClient, process: ElectionProcess, municipalities: Catalog? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.process = process
        self.municipalities = municipalities
        self.clock = clock
    }

    /// The worker of this deployment: its process and municipalities.
    public init(environment: JobEnvironment) {
        self.init(client: environment.client, process: environment.process, municipalities: environment.catalogs.municipalities)
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let now = clock()
        let today = LocalDate(now, timeZone: process.timeZone)
        let reports = ProgressReportRepository(client: client, logger: context.logger)
        let due: ScheduledReport
        if args.onDemand == true {
            due = ScheduledReport(kind: .onDemand, date: today)
        } else {
            guard let scheduled = process.scheduledReports.last(where: { $0.date <= today }) else { return }
            guard try await !reports.exists(processID: process.id, kind: scheduled.kind, dueOn: scheduled.date) else { return }
            due = scheduled
        }
        let report = try await build(due, today: today, logger: context.logger)
        let id = try await reports.store(
            processID: process.id, kind: due.kind, dueOn: due.date, title: report.title, html: report.html, csv: report.csv, at: now)
        context.logger.info(
            "progress report generated",
            metadata: [
                "report_kind": "\(due.kind.rawValue)", "due_on": "\(due.date)", "report_id": "\(id.map { String($0) } ?? "already stored")",
            ])
    }

    /// The report of `scheduled` with today's numbers.
    func build(_ scheduled: ScheduledReport, today: LocalDate, logger: Logger) async throws -> ProgressReport {
        let candidacies = CandidacyRepository(client: client, logger: logger)
        let counts = try await candidacies.progressCounts(processID: process.id)
        // The public release, not the answers: a circulated report shows no more than the portal.
        let statistics = try await PublicationRepository(client: client, logger: logger).identityRelease(processID: process.id)
        let afterCampaigns = scheduled.date > process.campaignEndDate
        return ProgressReport(
            process: process, place: CandidacyPlace(process: process, municipalities: municipalities), scheduled: scheduled,
            generatedOn: today, rows: ProgressReport.rows(counts, process: process),
            statistics: statistics?.release, statisticsReleasedAt: statistics?.releasedAt,
            neverPublished: afterCampaigns ? try await candidacies.neverPublished(processID: process.id) : nil)
    }
}
