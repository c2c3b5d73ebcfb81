import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import Mail
import PostgresNIO
import Storage

/// `reminders.deadline` (daily, `jobs/schedules.yaml`): before each capture deadline of the
/// process (`deadlines.capture_deadlines`), on the days of `deadlines.reminder_days_before`,
/// e-mails the generic account of every party, coalition or independent candidacy that
/// still has missing or incomplete profiles the list of them. An entity with everything
/// captured gets nothing.
///
/// One reminder per entity, deadline and reminder day, never two: `DeadlineReminderLog`
/// records it in the transaction that sends it, so a second run the same day, a retry or a
/// concurrent run sends nothing more. An entity without a live generic account is logged
/// and tried again on the next run.
public struct DeadlineReminderWorker: EnvironmentWorker {
    public typealias Args = DeadlineReminderJob

    let client: PostgresClient
    let process: ElectionProcess
    let municipalities: Catalog?
    let mail: any MailTransport
    let from: String
    let publicURL: String
    let clock: @Sendable () -> Date
    /// Candidacies listed in one e-mail at most (default 300); the rest are counted.
    let listLimit: Int

    /// A worker over explicit dependencies; `clock` gives "now" (tests drive the schedule with it).
    public init(
        client: PostgresClient, process: ElectionProcess, municipalities: Catalog? = nil, mail: any MailTransport, from: String,
        publicURL: String, listLimit: Int = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.listLimit = listLimit
        self.client = client
        self.process = process
        self.municipalities = municipalities
        self.mail = mail
        self.from = from
        self.publicURL = publicURL
        self.clock = clock
    }

    /// The worker of this deployment: its process and municipalities, mail transport, `smtp.from` and `http.public_url`.
    public init(environment: JobEnvironment) {
        self.init(
            client: environment.client, process: environment.process, municipalities: environment.catalogs.municipalities,
            mail: environment.mail,
            from: environment.configuration.smtp.from, publicURL: environment.configuration.http.publicURL)
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let now = clock()
        let today = LocalDate(now, timeZone: process.timeZone)
        let due = process.deadlines.captureDeadlines.compactMap { deadline in
            process.dueReminder(for: deadline, today: today).map { (deadline: deadline, day: $0) }
        }
        guard !due.isEmpty else { return }
        let missing = try await CandidacyRepository(client: client, logger: context.logger).missingOrIncomplete(processID: process.id)
        let byEntity = Dictionary(grouping: missing, by: \.candidacy.postulatingEntity)
        let accounts = AccountRepository(client: client, logger: context.logger)
        let log = DeadlineReminderLog(client: client, logger: context.logger)
        let sender = try MailAddress(parsing: from)
        var sent = 0
        // One entity's failure never stops the others: a refused address is recorded on its
        // account (and the reminder counts as given); any other failure makes this entity wait
        // for the job's next attempt while the rest are reminded now.
        var deferred: (any Error)?
        for (deadline, day) in due {
            for entity in byEntity.keys.sorted(by: { ($0.kind.rawValue, $0.code) < ($1.kind.rawValue, $1.code) }) {
                let profiles = byEntity[entity] ?? []
                guard let account = try await accounts.representativeAccount(processID: process.id, entity: entity) else {
                    context.logger.warning(
                        "no generic account to remind",
                        metadata: [
                            "entity_kind": "\(entity.kind.rawValue)", "entity_code": "\(entity.code)",
                        ])
                    continue
                }
                let message = try DeadlineReminderMessage(
                    account: account, entity: entity, profiles: profiles, deadline: deadline, reminderDay: day, process: process,
                    place: CandidacyPlace(process: process, municipalities: municipalities),
                    baseURL: publicURL, from: sender, listLimit: listLimit
                ).message()
                let key = DeadlineReminderLog.Key(processID: process.id, entity: entity, deadline: deadline, reminderDay: day)
                do {
                    let didSend = try await log.sendOnce(key, accountID: account.id, candidacies: profiles.count, at: now) {
                        do {
                            try await mail.send(message)
                        } catch let error as SMTPError where error.isMessageRefusal {
                            try await accounts.markMailFailed(accountID: account.id, reply: MailFailure.reply(of: error))
                            context.logger.warning(
                                "deadline reminder refused for this address; recorded on the account",
                                metadata: [
                                    "entity_kind": "\(entity.kind.rawValue)", "entity_code": "\(entity.code)",
                                ])
                        }
                    }
                    if didSend { sent += 1 }
                } catch let error as SMTPError {
                    context.logger.warning(
                        "deadline reminder not sent; this entity waits for the next attempt",
                        metadata: [
                            "entity_kind": "\(entity.kind.rawValue)", "entity_code": "\(entity.code)", "code": "\(error.code)",
                        ])
                    deferred = deferred ?? MailFailure.outcome(of: error, what: "deadline reminder", context: context)
                }
            }
        }
        context.logger.info("deadline reminders sent", metadata: ["sent": "\(sent)", "entities": "\(byEntity.count)"])
        if let deferred { throw deferred }
    }
}
