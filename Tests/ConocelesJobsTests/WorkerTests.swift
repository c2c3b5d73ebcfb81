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
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
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
                try await db.client.query("""
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
