import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobArguments
import JobQueue
import Mail
import PostgresNIO
import Storage
import TestSupport
import Synchronization
import Testing

/// One list of workers (`WorkerRegistry`) against the job definitions of the repository.
@Suite("WorkerRegistry")
struct WorkerRegistryTests {
    @Test func eachWorkerHasItsOwnKindAndTheProcessRegistersThemAll() async throws {
        #expect(WorkerRegistry.kinds.count == WorkerRegistry.workers.count, "two workers share a kind")
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                #expect(WorkerRegistry.make(environment).kinds == WorkerRegistry.kinds)
            }
        }
    }

    /// Every kind with a worker has its `jobs/<kind>.yaml`, and every file, schedule and
    /// pipeline step of the repository names a kind with a worker (the start-up check).
    @Test func theRepositoryDefinitionsMatchTheWorkers() throws {
        let root = PhotoFixtures.repositoryRoot
        let catalog = try JobCatalog.load(directory: "\(root)/jobs", knownKinds: WorkerRegistry.kinds)
        #expect(Set(catalog.policies.keys) == WorkerRegistry.kinds)
        let pipelines = try PipelineDefinition.loadAll(directory: "\(root)/pipelines", knownKinds: WorkerRegistry.kinds)
        #expect(pipelines.map(\.name).contains(JobEnvironment.approvedPipeline))
        #expect(catalog.schedules.allSatisfy { WorkerRegistry.kinds.contains($0.kind) })
    }
}

/// `system.probe`, as `conoceles jobs probe` enqueues it (JSON `sleep_ms`).
@Suite("ProbeWorker")
struct ProbeWorkerTests {
    @Test func waitsTheAskedMillisecondsThenSucceeds() async throws {
        var workers = JobWorkers()
        workers.register(ProbeWorker())
        #expect(workers.kinds == ["system.probe"])
        let job = try NewJob(ProbeJob(sleepMilliseconds: 120))
        #expect(job.kind == "system.probe" && job.argsJSON == #"{"sleep_ms":120}"#)
        let started = ContinuousClock.now
        try await JobTesting.perform(ProbeWorker(), args: ProbeJob(sleepMilliseconds: 120))
        #expect(ContinuousClock.now - started >= .milliseconds(120))
        let quick = ContinuousClock.now
        try await JobTesting.perform(ProbeWorker(), args: ProbeJob())
        #expect(ContinuousClock.now - quick < .milliseconds(100))
    }
}

/// `mail.password_reset` against PostgreSQL and the SMTP sink.
@Suite("PasswordResetMailWorker", .serialized)
struct PasswordResetMailWorkerTests {
    @Test func mailsAUsableAccountALinkWhoseTokenWorksOnce() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let account = try await WorkerHarness.staffAccount(db, username: "ana.ti", email: "ana.ti@iepc.example")
                try await JobTesting.perform(PasswordResetMailWorker(environment: environment), args: PasswordResetMailJob(accountID: account.id))

                let delivered = try sink.delivered()
                #expect(delivered.count == 1)
                let message = try #require(delivered.first)
                #expect(message.to.contains("ana.ti@iepc.example"))
                #expect(message.raw.contains("ana.ti"))
                let text = Self.decodingQuotedPrintable(message.raw)
                let link = try #require(text.firstMatch(of: /https:\/\/conoceles\.example\/restablecer\?token=([A-Za-z0-9_=-]+)/))
                let token = SecretToken(value: String(link.1))
                let resets = PasswordResetRepository(client: db.client, logger: TestDatabase.logger)
                #expect(try await resets.account(for: token)?.id == account.id, "the mailed token opens the account's reset")
                _ = try await resets.reset(token: token, passwordHash: "$2b$10$zyxwvutsrqponmlkjihgfeuJq1lq8f7cK2bqH0o4nYQk1Y8lKq0W2K")
                #expect(try await resets.account(for: token) == nil, "single use")
            }
        }
    }

    /// The decoy of an unknown name, and an account that is not usable (never activated),
    /// complete without a message: the queue does not tell whether an account exists.
    @Test func sendsNothingForAnUnknownOrUnusableAccount() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let pending = try await WorkerHarness.staffAccount(db, username: "sin.activar", email: "sin@iepc.example", activated: false)
                let worker = PasswordResetMailWorker(environment: environment)
                try await JobTesting.perform(worker, args: PasswordResetMailJob(accountID: UUID()))
                try await JobTesting.perform(worker, args: PasswordResetMailJob(accountID: pending.id))
                #expect(try sink.delivered().isEmpty)
                var resets = 0
                for try await n in try await db.client.query("SELECT count(*)::int FROM password_resets").decode(Int.self) { resets = n }
                #expect(resets == 0, "no link issued")
            }
        }
    }
}

extension PasswordResetMailWorkerTests {
    /// The message's text with quoted-printable undone (soft line breaks, `=XX` bytes).
    static func decodingQuotedPrintable(_ raw: String) -> String {
        let joined = raw.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
        var bytes: [UInt8] = []
        var utf8 = Array(joined.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "="), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `sessions.purge` deletes what has ended and keeps what still works.
@Suite("SessionPurgeWorker", .serialized)
struct SessionPurgeWorkerTests {
    @Test func deletesEndedSessionsLinksAndOldAttemptsKeepingLiveOnes() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let account = try await WorkerHarness.staffAccount(db, username: "ana.ti", email: "ana.ti@iepc.example")
                let sessions = SessionRepository(client: db.client, logger: TestDatabase.logger, idleTimeout: .seconds(60))
                let live = try await sessions.create(accountID: account.id)
                _ = try await sessions.create(accountID: account.id, at: Date().addingTimeInterval(-2 * 86_400))
                let resets = PasswordResetRepository(client: db.client, logger: TestDatabase.logger)
                let liveLink = try await resets.issue(accountID: account.id)
                _ = try await resets.issue(accountID: account.id, at: Date().addingTimeInterval(-2 * 3_600))
                try await db.client.query(
                    """
                    INSERT INTO login_attempts (username, client_address, succeeded, attempted_at)
                    VALUES ('ana.ti', '10.0.0.1', false, now() - interval '10 days'),
                           ('ana.ti', '10.0.0.1', false, now() - interval '40 days')
                    """)

                try await JobTesting.perform(SessionPurgeWorker(environment: environment), args: SessionPurgeJob(attemptRetentionDays: 30))

                #expect(try await count(db, "web_sessions") == 1)
                #expect(try await sessions.resolve(live) != nil, "the live session still signs in")
                #expect(try await count(db, "password_resets") == 1)
                #expect(try await resets.account(for: liveLink)?.id == account.id)
                #expect(try await count(db, "login_attempts") == 1, "the 10-day-old attempt is kept (30-day retention)")

                try await JobTesting.perform(SessionPurgeWorker(environment: environment), args: SessionPurgeJob(attemptRetentionDays: 5))
                #expect(try await count(db, "login_attempts") == 0)
            }
        }
    }

    func count(_ db: Database, _ table: String) async throws -> Int {
        var n = 0
        for try await c in try await db.client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)")).decode(Int.self) { n = c }
        return n
    }
}

/// `mail.bounces` reads the Maildir the mail server delivers bounces into.
@Suite("BounceReaderWorker", .serialized)
struct BounceReaderWorkerTests {
    @Test func marksTheAccountsOfAPermanentBounceOnceAndFilesEveryMessage() async throws {
        let maildir = FileManager.default.temporaryDirectory.appendingPathComponent("bounces-\(UUID().uuidString)")
        let new = maildir.appendingPathComponent("new")
        try FileManager.default.createDirectory(at: new, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: maildir) }
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port) { $0.smtp.bouncesMaildir = maildir.path }
                let bounced = try await WorkerHarness.staffAccount(db, username: "rebota", email: "rebota@example.org")
                let delayed = try await WorkerHarness.staffAccount(db, username: "tarda", email: "tarda@example.org")
                try Data(
                    MailFixtures.dsn(
                        recipient: "rebota@example.org", status: "5.1.1", action: "failed",
                        diagnostic: "smtp; 550 5.1.1 <rebota@example.org>: Recipient address rejected"
                    ).utf8
                )
                .write(to: new.appendingPathComponent("1.dsn.relay"))
                try Data(
                    MailFixtures.dsn(
                        recipient: "tarda@example.org", status: "4.4.1", action: "delayed",
                        diagnostic: "smtp; 421 busy"
                    ).utf8
                )
                .write(to: new.appendingPathComponent("2.delayed.relay"))
                try Data("From: alguien@example.org\nSubject: hola\n\nNo es un rebote.\n".utf8)
                    .write(to: new.appendingPathComponent("3.other.relay"))

                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                try await JobTesting.perform(BounceReaderWorker(environment: environment), args: BounceReaderJob())
                let failure = try #require(try await accounts.mailFailure(accountID: bounced.id))
                #expect(failure.reply.hasPrefix("Rebote (DSN) 5.1.1"))
                #expect(failure.reply.contains("Recipient address rejected"))
                #expect(try await accounts.mailFailure(accountID: delayed.id) == nil, "a delay is not a failure")
                #expect(try FileManager.default.contentsOfDirectory(atPath: new.path).isEmpty)
                let filed = try FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent("cur").path).sorted()
                #expect(filed == ["1.dsn.relay:2,S", "2.delayed.relay:2,S", "3.other.relay:2,S"])

                // Read once: the failure cleared by staff stays cleared on the next run.
                try await db.client.query("UPDATE accounts SET mail_failed_at = NULL, mail_failure = NULL WHERE id = \(bounced.id)")
                try await JobTesting.perform(BounceReaderWorker(environment: environment), args: BounceReaderJob())
                #expect(try await accounts.mailFailure(accountID: bounced.id) == nil)
            }
        }
    }
}

/// `statistics.release` (hourly): a release when the period turned, or when forced.
@Suite("StatisticsReleaseWorker")
struct StatisticsReleaseWorkerTests {
    final class Clock: Sendable {
        let now: Mutex<Date>
        init(_ date: Date) { now = Mutex(date) }
        func advance(hours: Double) { now.withLock { $0 = $0.addingTimeInterval(hours * 3_600) } }
    }

    @Test func releasesWhenDueOrForcedAndOtherwiseNot() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let clock = Clock(try Date("2024-04-10T18:00:00Z", strategy: .iso8601))
                let publisher = StatisticsPublisher(
                    client: db.client,
                    builder: PublicationBuilder(
                        client: db.client, cipher: environment.cipher,
                        process: environment.process, catalogs: environment.catalogs),
                    cipher: environment.cipher, processID: environment.process.id, refreshHours: 24,
                    timeZone: TimeZone(identifier: environment.process.timeZone)!, clock: { clock.now.withLock { $0 } })
                let worker = StatisticsReleaseWorker(publisher: publisher)
                let repository = PublicationRepository(client: db.client, logger: TestDatabase.logger)
                func latest() async throws -> Int64? { try await repository.latestStatisticsRelease(processID: environment.process.id)?.id }

                try await JobTesting.perform(worker, args: StatisticsReleaseJob())
                let first = try #require(try await latest(), "the first release is due at once")
                clock.advance(hours: 1)
                try await JobTesting.perform(worker, args: StatisticsReleaseJob())
                #expect(try await latest() == first, "not again within the period")
                try await JobTesting.perform(worker, args: StatisticsReleaseJob(force: true))
                let forced = try #require(try await latest())
                #expect(forced != first)
                clock.advance(hours: 24)
                try await JobTesting.perform(worker, args: StatisticsReleaseJob())
                #expect(try await latest() != forced, "the next period's release")
            }
        }
    }
}

/// `mail.profile_returned` tells the candidate and the party's representative, once each.
@Suite("ProfileReturnedMailWorker", .serialized)
struct ProfileReturnedMailWorkerTests {
    @Test func mailsTheCandidateAndTheRepresentativeTheObservationsOnce() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let id = try await PhotoFixtures.seedCandidacy(db)
                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                _ = try await accounts.create(
                    .candidate(
                        username: "maria", email: "maria@example.org", displayName: "María", processID: environment.process.id,
                        candidacyID: id), activationTTL: .seconds(3_600), by: .system("test"))
                _ = try await accounts.create(
                    .representative(
                        username: "rep-pan", email: "rep-pan@partido.example", displayName: "Representación PAN",
                        processID: environment.process.id, entity: .party(code: "PAN")),
                    activationTTL: .seconds(3_600), by: .system("test"))
                let workflows = ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger)
                let representative = ProfileActor(role: .representative, id: "rep-test")
                try await workflows.apply(.startCapture, to: id, by: representative)
                try await workflows.apply(.markComplete, to: id, by: representative, completeness: CompletenessReport())
                try await workflows.apply(.authorize, to: id, by: representative)
                let returned = try await workflows.apply(
                    .returnWithObservations, to: id, by: ProfileActor(role: .staff, id: "staff-test"),
                    observations: "Corrija la fotografía")

                let worker = ProfileReturnedMailWorker(environment: environment)
                let args = ProfileReturnedMailJob(candidacyID: id, returnedAt: returned.at)
                try await JobTesting.perform(worker, args: args)
                let delivered = try sink.delivered()
                #expect(delivered.count == 2)
                #expect(delivered.contains { $0.to.contains("maria@example.org") })
                #expect(delivered.contains { $0.to.contains("rep-pan@partido.example") })
                for message in delivered {
                    #expect(PasswordResetMailWorkerTests.decodingQuotedPrintable(message.raw).contains("Corrija la fotografía"))
                }
                // A retry (the job ran again after a crash) sends no second copy.
                try await JobTesting.perform(worker, args: args, attempt: 2)
                #expect(try sink.delivered().count == 2)
            }
        }
    }

    @Test func aCandidacyNeverReturnedIsDiscarded() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let id = try await PhotoFixtures.seedCandidacy(db)
                await #expect(throws: JobCancel.self) {
                    try await JobTesting.perform(
                        ProfileReturnedMailWorker(environment: environment),
                        args: ProfileReturnedMailJob(candidacyID: id, returnedAt: Date()))
                }
                #expect(try sink.delivered().isEmpty)
            }
        }
    }
}

/// `account.issue`, the first step of the `candidacy-approved` pipeline: the candidacy's
/// account from the event's contact, the entity's generic account, and the latter's e-mail job.
@Suite("AccountIssueWorker")
struct AccountIssueWorkerTests {
    static func approval(_ event: String, _ candidacy: String) -> String {
        """
        {"id": "\(event)", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
         "candidacy": {"id": "\(candidacy)", "office": "GUB", "formula_position": "propietario",
                       "full_name": "Persona \(candidacy)", "gender": "mujer", "birth_date": "1985-01-31",
                       "postulated_by_type": "partido", "postulated_by": "PAN", "email": "\(candidacy.lowercased())@example.mx",
                       "representative_email": "representacion@pan.example.mx"}}
        """
    }

    @Test func issuesTheCandidacyAndEntityAccountsOnceAndMailsTheGenericOne() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let id = try await PhotoFixtures.seedCandidacy(db)
                try await db.client.withTransaction(logger: TestDatabase.logger) { connection in
                    _ = try await RegistrationEventRepository(client: db.client, logger: TestDatabase.logger).recordMany(
                        [
                            RegistrationEvent(
                                id: "ev-1", processID: environment.process.id, kind: .approval, candidacyID: id,
                                body: Self.approval("ev-1", id), source: .api, signature: "sha256=prueba", signedAt: Date())
                        ], on: connection)
                }
                let worker = AccountIssueWorker(environment: environment)
                try await JobTesting.perform(worker, args: AccountIssueJob(candidacyID: id, eventID: "ev-1"))
                try await JobTesting.perform(worker, args: AccountIssueJob(candidacyID: id, eventID: "ev-1"), attempt: 2)

                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                let own = try #require(try await accounts.account(candidacyID: id))
                #expect(own.email == "\(id.lowercased())@example.mx" && own.role == .candidate)
                #expect(own.username == "c-\(id.lowercased())")
                let generic = try #require(try await accounts.representativeAccount(processID: environment.process.id, entity: .party(code: "PAN")))
                #expect(generic.email == "representacion@pan.example.mx")
                var count = 0
                for try await n in try await db.client.query("SELECT count(*)::int FROM accounts").decode(Int.self) { count = n }
                #expect(count == 2, "a retry creates nothing twice")
                let mails = try await JobTesting.assertEnqueued(db, kind: CredentialsMailJob.kind, args: CredentialsMailJob.self) {
                    $0.accountID == generic.id
                }
                #expect(mails.count == 1, "one live e-mail job for the generic account")
            }
        }
    }

    @Test func anEventWithoutContactIsDiscarded() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let id = try await PhotoFixtures.seedCandidacy(db)
                let error = await #expect(throws: JobCancel.self) {
                    try await JobTesting.perform(
                        AccountIssueWorker(environment: environment),
                        args: AccountIssueJob(candidacyID: id, eventID: "no-existe"))
                }
                #expect(error?.reason.contains("no-existe") == true)
                #expect(try await AccountRepository(client: db.client, logger: TestDatabase.logger).account(candidacyID: id) == nil)
            }
        }
    }
}

/// `mail.credentials` in batches: each account due a message gets one, with a link that
/// activates it; once recorded, a later batch sends nothing again.
@Suite("CredentialsMailWorker", .serialized)
struct CredentialsMailWorkerTests {
    @Test func mailsEachDueAccountAnActivationLinkOnce() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let id = try await PhotoFixtures.seedCandidacy(db)
                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                let (account, _) = try await accounts.create(
                    .candidate(
                        username: "c-maria", email: "maria@example.org", displayName: "María", processID: environment.process.id,
                        candidacyID: id), activationTTL: .seconds(3_600), by: .system("test"))
                let worker = CredentialsMailWorker(environment: environment)
                try await JobTesting.perform(worker, args: CredentialsMailJob(candidacyID: "", eventID: ""))

                let delivered = try sink.delivered()
                #expect(delivered.count == 1)
                let message = try #require(delivered.first)
                #expect(message.to.contains("maria@example.org"))
                let text = PasswordResetMailWorkerTests.decodingQuotedPrintable(message.raw)
                #expect(text.contains("c-maria"), "the username is in the message")
                let link = try #require(text.firstMatch(of: /https:\/\/conoceles\.example\/activar\?token=([A-Za-z0-9_=-]+)/))
                #expect(
                    try await accounts.pendingActivation(token: ActivationToken(value: String(link.1)))?.id == account.id,
                    "the mailed link activates the account")
                #expect(try await accounts.account(id: account.id)?.credentialsSentAt != nil)

                try await JobTesting.perform(worker, args: CredentialsMailJob(candidacyID: "", eventID: ""), attempt: 2)
                #expect(try sink.delivered().count == 1, "sent once")
            }
        }
    }
}

/// `registration.ingest` applies stored events in one batch: an approval registers the
/// candidacy and its accounts and asks for their e-mails; an event that cannot apply is kept
/// as rejected with its reason and does not stop the others.
@Suite("RegistrationIngestWorker")
struct RegistrationIngestWorkerTests {
    @Test func appliesAnApprovalAndRejectsAnEventThatCannotApply() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let good = AccountIssueWorkerTests.approval("ev-1", "C-NUEVA")
                let bad = good.replacingOccurrences(of: "ev-1", with: "ev-2").replacingOccurrences(of: "C-NUEVA", with: "C-MALA")
                    .replacingOccurrences(of: #""office": "GUB""#, with: #""office": "NO-EXISTE""#)
                let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
                try await db.client.withTransaction(logger: TestDatabase.logger) { connection in
                    _ = try await events.recordMany(
                        [
                            RegistrationEvent(
                                id: "ev-1", processID: environment.process.id, kind: .approval, candidacyID: "C-NUEVA",
                                body: good, source: .api, signature: "sha256=prueba", signedAt: Date()),
                            RegistrationEvent(
                                id: "ev-2", processID: environment.process.id, kind: .approval, candidacyID: "C-MALA",
                                body: bad, source: .api, signature: "sha256=prueba", signedAt: Date()),
                        ], on: connection)
                }
                try await JobTesting.perform(
                    RegistrationIngestWorker(environment: environment),
                    args: IngestJob(eventID: "ev-1", eventIDs: ["ev-1", "ev-2"]))

                let candidacy = try #require(try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).candidacy(id: "C-NUEVA"))
                #expect(candidacy.status == .approved && candidacy.fullName == "Persona C-NUEVA")
                #expect(try await events.event(id: "ev-1")?.status == .applied)
                let rejected = try #require(try await events.event(id: "ev-2"))
                #expect(rejected.status == .rejected)
                #expect(rejected.statusReason?.isEmpty == false)
                let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
                let own = try #require(try await accounts.account(candidacyID: "C-NUEVA"))
                #expect(own.email == "c-nueva@example.mx" && own.credentialsSentAt == nil)
                #expect(try await accounts.representativeAccount(processID: environment.process.id, entity: .party(code: "PAN")) != nil)
                let mails = try await JobTesting.assertEnqueued(db, kind: CredentialsMailJob.kind, args: CredentialsMailJob.self) {
                    $0.accountIDs?.contains(own.id) == true
                }
                #expect(mails.count == 1, "one e-mail job for the batch's accounts")
                try await JobTesting.assertEnqueued(db, kind: PublicationRebuildJob.kind, args: PublicationRebuildJob.self)

                // Applied once: the same job again finds the events settled.
                try await JobTesting.perform(
                    RegistrationIngestWorker(environment: environment),
                    args: IngestJob(eventID: "ev-1", eventIDs: ["ev-1", "ev-2"]), attempt: 2)
                var count = 0
                for try await n in try await db.client.query("SELECT count(*)::int FROM accounts").decode(Int.self) { count = n }
                #expect(count == 2)
            }
        }
    }
}

/// `publication.rebuild` and `publication.refresh_profile`, with the enqueue helpers of
/// `JobArguments` the web and the workers share.
@Suite("Publication workers")
struct PublicationWorkerTests {
    @Test func aRebuildMakesANewCurrentSnapshotAndRequestsCollapseIntoOneLiveJob() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let processID = environment.process.id
                let publication = PublicationRepository(client: db.client, logger: TestDatabase.logger)
                let first = try await PublicationRebuildJob.enqueue(processID: processID, reason: "a", jobs: environment.jobs, logger: TestDatabase.logger)
                let second = try await PublicationRebuildJob.enqueue(processID: processID, reason: "b", jobs: environment.jobs, logger: TestDatabase.logger)
                #expect(!first.skippedAsDuplicate && second.skippedAsDuplicate && second.id == first.id, "one live rebuild")
                #expect(try await publication.rebuildRequests(processID: processID) == 2, "both requests counted")

                #expect(try await publication.current(processID: processID) == nil)
                try await JobTesting.perform(PublicationRebuildWorker(environment: environment), args: PublicationRebuildJob(reason: "a"))
                let built = try #require(try await publication.current(processID: processID))
                try await JobTesting.perform(PublicationRebuildWorker(environment: environment), args: PublicationRebuildJob(reason: "c"))
                #expect(try #require(try await publication.current(processID: processID)).version > built.version)
            }
        }
    }

    /// A listing rebuild is one job per window, scheduled just after the window ends.
    @Test func listingRequestsOfOneWindowAreOneScheduledJob() async throws {
        try await TestDatabase.with { db in
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let now = Date()
            for _ in 0..<3 {
                try await db.client.withTransaction(logger: TestDatabase.logger) { tx in
                    try await PublicationRebuildJob.enqueueListing(jobs: jobs, on: tx, now: now)
                }
            }
            let listed = try await JobTesting.enqueued(db, kind: PublicationRebuildJob.kind)
            #expect(listed.count == 1)
            let window = PublicationRebuildJob.listingWindowSeconds
            let windowEnd = (Int(now.timeIntervalSince1970) / window + 1) * window
            #expect(listed.first?.scheduledAt == Date(timeIntervalSince1970: Double(windowEnd + 1)))
            #expect(listed.first?.state == .scheduled)
        }
    }

    /// Refreshing a candidacy that is not published makes no listing rebuild.
    @Test func refreshingAnUnpublishedProfileAsksForNoListing() async throws {
        try await TestDatabase.with { db in
            try await SMTPTestSink.with { sink in
                let environment = try await WorkerHarness.environment(db, smtpPort: sink.port)
                let id = try await PhotoFixtures.seedCandidacy(db)
                try await JobTesting.perform(PublicationRebuildWorker(environment: environment), args: PublicationRebuildJob(reason: "base"))
                try await db.client.withTransaction(logger: TestDatabase.logger) { tx in
                    try await PublicationProfileRefreshJob.enqueue(
                        processID: environment.process.id, candidacyID: id, reason: "publicar",
                        jobs: environment.jobs, on: tx, logger: TestDatabase.logger)
                }
                let refresh = try await JobTesting.assertEnqueued(db, kind: PublicationProfileRefreshJob.kind, args: PublicationProfileRefreshJob.self) {
                    $0.candidacyID == id
                }
                #expect(refresh.count == 1)
                try await JobTesting.perform(
                    PublicationProfileRefreshWorker(environment: environment),
                    args: PublicationProfileRefreshJob(candidacyID: id, reason: "publicar"))
                try await JobTesting.assertNotEnqueued(db, kind: PublicationRebuildJob.kind)
            }
        }
    }
}
