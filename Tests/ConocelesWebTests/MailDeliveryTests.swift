import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Mail
import PostgresNIO
import Storage
import Testing
import TestSupport

/// E-mail under faults, against the repository's SMTP sink (aiosmtpd, scripts/smtp_sink.py)
/// and PostgreSQL: server-level problems hold every message (never discarded) and raise the
/// alert; one refused recipient never stops the others; a retry after a partial sending does
/// not repeat the recipients already served.
@Suite("Mail delivery under faults", .serialized)
struct MailDeliveryTests {
    static func environment(_ db: Database, port: Int, password: String?, bounces: String? = nil) async throws -> JobEnvironment {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        var configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        configuration.smtp.bouncesMaildir = bounces
        let from = try MailAddress(parsing: configuration.smtp.from)
        let mailer = try SMTPMailer(
            settings: SMTPSettings(
                host: "127.0.0.1", port: port, security: .none,
                credentials: password.map { SMTPSettings.Credentials(username: "conoceles", password: $0) }, from: from,
                connectTimeout: .seconds(5), totalTimeout: .seconds(20)))
        let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
        return try JobEnvironment(
            client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: mailer,
            pipelines: PipelineEngine(definitions: [], jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
    }

    /// Seeds approved candidacies of PAN with their accounts and the PAN representative, returns
    /// each profile (authorized, then returned with observations) and when it was returned.
    static func returnedProfiles(_ db: Database, _ ids: [String]) async throws -> [(Candidacy, Date)] {
        let (process, _) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let candidacies = ids.map { WebFixtures.candidacy($0, party: "PAN", name: "Persona \($0)") }
        try await WebFixtures.seed(db, process, candidacies)
        _ = try await WebFixtures.representativeAccount(db, party: "PAN")
        var result: [(Candidacy, Date)] = []
        for candidacy in candidacies {
            let account = try await WebFixtures.candidateAccount(db, for: candidacy, username: "u-\(candidacy.id.lowercased())")
            try await db.client.query("UPDATE accounts SET email = \("\(candidacy.id.lowercased())@example.org") WHERE id = \(account.id)")
            try await StaffTests.authorize(db, candidacy.id)
            let returned = try await StaffTests.workflows(db).apply(
                .returnWithObservations, to: candidacy.id, by: StaffTests.staff, observations: "Corrija la foto")
            result.append((candidacy, returned.at))
        }
        return result
    }

    static func count(_ db: Database, _ sql: String) async throws -> Int {
        var n = 0
        for try await c in try await db.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { n = c }
        return n
    }

    static func recipients(_ sink: SMTPTestSink) throws -> [String] {
        try sink.delivered().map { $0.header("X-RcptTo") ?? $0.to }.sorted()
    }

    /// An SMTP password that is wrong: every message is held (snoozed, never discarded, also
    /// on its last attempt), nothing is sent, the alert is up; once the password is fixed every
    /// message arrives, once, and the alert clears. Through the real queue processor.
    @Test func aWrongPasswordHoldsEveryMessageUntilItIsFixed() async throws {
        try await SMTPTestSink.with(user: "conoceles", password: "correcta", authRequired: true) { sink in
            try await TestDatabase.with { db in
                let profiles = try await Self.returnedProfiles(db, ["C-AUTH1", "C-AUTH2", "C-AUTH3"])
                let catalog = try JobCatalog.load(directory: "\(repositoryRoot)/jobs", knownKinds: WorkerRegistry.kinds)
                let jobs = JobClient(client: db.client, catalog: catalog, logger: TestDatabase.logger)
                var ids: [Int64] = []
                for (candidacy, at) in profiles {
                    let args = try String(
                        decoding: JSONEncoder().encode(
                            ProfileReturnedMailWorker.Args(candidacyID: candidacy.id, returnedAt: at)), as: UTF8.self)
                    ids.append(try await jobs.insert(NewJob(kind: ProfileReturnedMailWorker.kind, argsJSON: args)).id)
                }
                // The last job is on its last attempt: a server problem must not discard it either.
                try await db.client.query("UPDATE jobs SET attempt = max_attempts - 1 WHERE id = \(ids[2])")

                func runProcessor(password: String, until done: @Sendable () async throws -> Bool) async throws {
                    let environment = try await Self.environment(db, port: sink.port, password: password)
                    var configuration = JobProcessor.Configuration(queues: catalog.queues)
                    configuration.pollInterval = .milliseconds(100)
                    configuration.heartbeatInterval = .milliseconds(200)
                    let processor = JobProcessor(
                        client: db.client, catalog: catalog, workers: WorkerRegistry.make(environment), configuration: configuration,
                        pipelines: nil, logger: TestDatabase.logger)
                    let runner = Task { try await processor.run() }
                    let deadline = ContinuousClock.now + .seconds(30)
                    while ContinuousClock.now < deadline, !(try await done()) { try await Task.sleep(for: .milliseconds(50)) }
                    processor.beginShutdown()
                    try await runner.value
                }

                try await runProcessor(password: "equivocada") {
                    try await jobs.list(kind: ProfileReturnedMailWorker.kind).allSatisfy { $0.state == .scheduled }
                }
                for job in try await jobs.list(kind: ProfileReturnedMailWorker.kind) {
                    #expect(job.state == .scheduled, "held, not discarded: job \(job.id) is \(job.state)")
                    #expect(job.scheduledAt > Date().addingTimeInterval(MailFailure.serverProblemSnoozeSeconds - 60), "a long wait")
                }
                #expect(
                    try await jobs.job(id: ids[2])?.attempt == (try await jobs.job(id: ids[2])?.maxAttempts ?? 0) - 1,
                    "a held attempt does not count")
                #expect(try sink.delivered().isEmpty)
                let alert = try await MailServerStatusRepository(client: db.client, logger: TestDatabase.logger).current()
                #expect(alert.hasProblem)
                #expect(alert.code == SMTPError.Code.authenticationFailed.rawValue)
                #expect(alert.problems >= 3)

                // The password is fixed (and the held jobs come due).
                try await db.client.query("UPDATE jobs SET state = 'available', scheduled_at = now() WHERE state = 'scheduled'")
                try await runProcessor(password: "correcta") {
                    try await jobs.list(kind: ProfileReturnedMailWorker.kind).allSatisfy { $0.state == .completed }
                }
                #expect(try await jobs.list(kind: ProfileReturnedMailWorker.kind).map(\.state) == [.completed, .completed, .completed])
                #expect(
                    try Self.recipients(sink) == [
                        "c-auth1@example.org", "c-auth2@example.org", "c-auth3@example.org",
                        "rep-pan@example.org", "rep-pan@example.org", "rep-pan@example.org",
                    ])
                #expect(
                    try await MailServerStatusRepository(client: db.client, logger: TestDatabase.logger).current().hasProblem == false,
                    "the alert clears once mail goes through")
            }
        }
    }

    /// A 550 for the candidate's address: recorded on that account with the server's reply;
    /// the representative still gets the message; the job ends (nothing to retry).
    @Test func aRefusedRecipientIsMarkedAndTheOthersAreDelivered() async throws {
        try await SMTPTestSink.with { sink in
            try await TestDatabase.with { db in
                let (candidacy, at) = try #require(try await Self.returnedProfiles(db, ["C-REBOTE"]).first)
                try await db.client.query("UPDATE accounts SET email = 'nadie@rechazado.invalid' WHERE candidacy_id = \(candidacy.id)")
                let environment = try await Self.environment(db, port: sink.port, password: nil)
                try await JobTesting.perform(
                    ProfileReturnedMailWorker(environment: environment),
                    args: .init(candidacyID: candidacy.id, returnedAt: at))
                #expect(try Self.recipients(sink) == ["rep-pan@example.org"])
                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                let refused = try #require(try await accounts.account(candidacyID: candidacy.id))
                var failure: String?
                for try await f in try await db.client.query("SELECT mail_failure FROM accounts WHERE id = \(refused.id)").decode(String?.self) {
                    failure = f
                }
                #expect(failure?.hasPrefix("550") == true, "\(failure ?? "nil")")
                #expect(
                    try await MailServerStatusRepository(client: db.client, logger: TestDatabase.logger).current().hasProblem == false,
                    "a refused mailbox is no server problem")
            }
        }
    }

    /// The representative's server says "try later" (451) after the candidate's copy went:
    /// the retry sends only the representative's copy.
    @Test func aRetryAfterAPartialSendingDoesNotRepeatTheDeliveredRecipients() async throws {
        try await SMTPTestSink.with { sink in
            try await TestDatabase.with { db in
                let (candidacy, at) = try #require(try await Self.returnedProfiles(db, ["C-PARCIAL"]).first)
                try await db.client.query("UPDATE accounts SET email = 'rep@temporal.invalid' WHERE username = 'rep-pan'")
                let environment = try await Self.environment(db, port: sink.port, password: nil)
                let worker = ProfileReturnedMailWorker(environment: environment)
                await #expect(throws: SMTPError.self) {
                    try await JobTesting.perform(worker, args: .init(candidacyID: candidacy.id, returnedAt: at), attempt: 1)
                }
                #expect(try Self.recipients(sink) == ["c-parcial@example.org"])
                // Second attempt, same outcome for the representative: still one copy for the candidate.
                await #expect(throws: SMTPError.self) {
                    try await JobTesting.perform(worker, args: .init(candidacyID: candidacy.id, returnedAt: at), attempt: 2)
                }
                #expect(try Self.recipients(sink) == ["c-parcial@example.org"])
                try await db.client.query("UPDATE accounts SET email = 'rep-pan@example.org' WHERE username = 'rep-pan'")
                try await JobTesting.perform(worker, args: .init(candidacyID: candidacy.id, returnedAt: at), attempt: 3)
                #expect(try Self.recipients(sink) == ["c-parcial@example.org", "rep-pan@example.org"])
                // The records go with sessions.purge after 30 days, not before.
                try await JobTesting.perform(SessionPurgeWorker(environment: environment), args: .init())
                #expect(try await Self.count(db, "SELECT count(*)::int FROM mail_deliveries") == 2)
                try await db.client.query("UPDATE mail_deliveries SET sent_at = now() - interval '31 days'")
                try await JobTesting.perform(SessionPurgeWorker(environment: environment), args: .init())
                #expect(try await Self.count(db, "SELECT count(*)::int FROM mail_deliveries") == 0)
            }
        }
    }

    /// A relay accepted the credentials e-mail and bounced it later: its DSN, delivered through
    /// the SMTP sink into the bounces Maildir, marks the candidate's account with the status
    /// and the remote reply; a delayed (4.x.x) notice and an ordinary reply mark nothing; each
    /// message is read once.
    @Test func aDSNBounceMarksTheAddress() async throws {
        try await SMTPTestSink.with { sink in
            try await TestDatabase.with { db in
                let (candidacy, _) = try #require(try await Self.returnedProfiles(db, ["C-DSN"]).first)
                let environment = try await Self.environment(db, port: sink.port, password: nil, bounces: sink.maildir.path)
                let dsn = MailFixtures.dsn(
                    recipient: "C-DSN@example.org", status: "5.1.1", action: "failed",
                    diagnostic: "smtp; 550 5.1.1 <c-dsn@example.org>: Recipient address rejected: User unknown in virtual mailbox table")
                let delayed = MailFixtures.dsn(recipient: "rep-pan@example.org", status: "4.4.1", action: "delayed", diagnostic: "smtp; 421 busy")
                try sink.deliverRaw(dsn, from: "", to: ["conoceles@localhost"])
                try sink.deliverRaw(delayed, from: "", to: ["conoceles@localhost"])
                try sink.deliverRaw(
                    "From: alguien@example.org\nTo: conoceles@localhost\nSubject: Gracias\n\nRecibido.\n",
                    from: "alguien@example.org", to: ["conoceles@localhost"])
                #expect(try sink.delivered().count == 3)
                try await JobTesting.perform(BounceReaderWorker(environment: environment), args: .init())

                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                let candidate = try #require(try await accounts.account(candidacyID: candidacy.id))
                let failure = try #require(try await accounts.mailFailure(accountID: candidate.id))
                #expect(failure.reply.contains("5.1.1") && failure.reply.contains("User unknown in virtual mailbox table"), "\(failure.reply)")
                let representative = try #require(try await accounts.accountIDs(email: "rep-pan@example.org").first)
                #expect(try await accounts.mailFailure(accountID: representative) == nil, "a delay is no failure")
                #expect(try sink.delivered().isEmpty, "every message moved to cur/")
                let seen = try FileManager.default.contentsOfDirectory(atPath: sink.maildir.appendingPathComponent("cur").path)
                #expect(seen.count == 3 && seen.allSatisfy { $0.hasSuffix(":2,S") })

                // The staff page shows the reason.
                try await db.client.query("UPDATE accounts SET mail_failure = NULL, mail_failed_at = NULL WHERE id = \(candidate.id)")
                try await JobTesting.perform(BounceReaderWorker(environment: environment), args: .init())
                #expect(try await accounts.mailFailure(accountID: candidate.id) == nil, "a bounce is read once")
            }
        }
    }
}
