import ConocelesConfig
import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

/// Flows that used to finish wrong: a party's generic account left unmailed when the
/// candidacy that asked for it was withdrawn, a resend that made an on-time account late, a
/// photo accepted after the verification published unseen.
@Suite("Accounts, resends and photos: the flows finish right")
struct AccountsAndPhotoFlowTests {
    struct Harness: Sendable {
        let db: Database
        let environment: JobEnvironment
        let mail: InMemoryMailTransport
        let jobs: JobClient
        let deliver: @Sendable (String) async throws -> Void

        /// Runs every live job of `kind` once (oldest first) and takes it off the live set.
        func runAll<W: JobWorker>(_ worker: W) async throws where W.Args: Decodable {
            while let job = try await JobTesting.enqueued(db, kind: W.kind).first {
                try await JobTesting.perform(worker, args: try job.decodeArgs(W.Args.self))
                _ = try await jobs.cancel(id: job.id)
            }
        }
    }

    func withHarness(_ body: @Sendable @escaping (Harness) async throws -> Void) async throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        try await EventsApiTests().withAPI { client, db in
            let mail = InMemoryMailTransport()
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let definitions = try PipelineDefinition.loadAll(directory: "\(repositoryRoot)/pipelines", knownKinds: WorkerRegistry.kinds)
            let environment = try JobEnvironment(
                client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: mail,
                pipelines: PipelineEngine(definitions: definitions, jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
            let ingest = RegistrationIngestWorker(environment: environment)
            try await body(
                Harness(
                    db: db, environment: environment, mail: mail, jobs: jobs,
                    deliver: { json in
                        try await EventsApiTests().post(client, json) { #expect($0.status == .accepted) }
                        while let job = try await JobTesting.enqueued(db, kind: RegistrationIngestWorker.kind).first {
                            try await JobTesting.perform(ingest, args: try job.decodeArgs(IngestJob.self))
                            _ = try await jobs.cancel(id: job.id)
                        }
                    }))
        }
    }

    static func approval(_ event: String, _ candidacy: String, representative: String? = "representacion@mc.example.mx") -> String {
        let rep = representative.map { #", "representative_email": "\#($0)""# } ?? ""
        return """
            {"id": "\(event)", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
             "candidacy": {"id": "\(candidacy)", "office": "PM", "municipality": "039", "formula_position": "propietario",
                           "full_name": "Persona \(candidacy)", "gender": "mujer", "birth_date": "1985-01-31",
                           "postulated_by_type": "partido", "postulated_by": "MC", "email": "\(candidacy.lowercased())@example.mx"\(rep)}}
            """
    }

    static func cancellation(_ event: String, _ candidacy: String) -> String {
        #"{"id": "\#(event)", "type": "candidacy.cancelled", "occurred_at": "2024-03-07T18:00:00Z", "candidacy_id": "\#(candidacy)"}"#
    }

    func mailsTo(_ address: String, _ mail: InMemoryMailTransport) -> Int {
        mail.sentMessages.filter { $0.to.contains { $0.address == address } }.count
    }

    @Test func theGenericAccountIsMailedWhileTheEntityHasAnyApprovedCandidacy() async throws {
        try await withHarness { h in
            let issue = AccountIssueWorker(environment: h.environment), send = CredentialsMailWorker(environment: h.environment)
            let rep = "representacion@mc.example.mx"
            try await h.deliver(Self.approval("e-1", "G-1"))
            try await h.deliver(Self.approval("e-2", "G-2"))
            try await h.runAll(issue)
            // The e-mails go in batches (no job names an account); G-1, whose approval created
            // the generic account, is cancelled before they run.
            let mailJobs = try await JobTesting.enqueued(h.db, kind: CredentialsMailWorker.kind)
            #expect(
                try mailJobs.allSatisfy {
                    try $0.decodeArgs(CredentialsMailJob.self).accountID == nil && $0.decodeArgs(CredentialsMailJob.self).candidacyID.isEmpty
                })
            try await h.deliver(Self.cancellation("e-3", "G-1"))
            try await h.runAll(send)
            #expect(mailsTo(rep, h.mail) == 1, "the party's account was not mailed after its first candidacy was cancelled")
            #expect(mailsTo("g-1@example.mx", h.mail) == 0)
            let generic = try #require(
                try await AccountRepository(client: h.db.client, logger: TestDatabase.logger)
                    .representativeAccount(processID: h.environment.process.id, entity: .party(code: "MC")))
            #expect(generic.credentialsSentAt != nil)
        }
    }

    @Test func aGenericAccountWhoseMailFoundNoCandidacyIsMailedWhenTheNextOneArrives() async throws {
        try await withHarness { h in
            let issue = AccountIssueWorker(environment: h.environment), send = CredentialsMailWorker(environment: h.environment)
            let rep = "representacion@mc.example.mx"
            try await h.deliver(Self.approval("e-1", "H-1"))
            try await h.runAll(issue)
            try await h.deliver(Self.cancellation("e-2", "H-1"))
            try await h.runAll(send)  // nothing to send for: the party has no approved candidacy now
            #expect(mailsTo(rep, h.mail) == 0)
            // A later candidacy of the party, whose event does not repeat the representative's e-mail.
            try await h.deliver(Self.approval("e-3", "H-2", representative: nil))
            try await h.runAll(issue)
            try await h.runAll(send)
            #expect(mailsTo(rep, h.mail) == 1, "the earlier finished job must not stop the generic account's e-mail")
        }
    }

    @Test func aResendKeepsTheFirstSendingForTheDeadline() async throws {
        try await withHarness { h in
            let accounts = AccountRepository(client: h.db.client, logger: TestDatabase.logger)
            try await h.deliver(Self.approval("e-1", "R-1", representative: nil))
            try await h.runAll(AccountIssueWorker(environment: h.environment))
            let account = try #require(try await accounts.account(candidacyID: "R-1"))
            // Sent on time, the same day as the approval; re-sent ten days later.
            let approvedAt = try #require(ISO8601DateFormatter().date(from: "2024-03-05T18:00:00Z"))
            try await accounts.markCredentialsSent(accountID: account.id, at: approvedAt.addingTimeInterval(3_600))
            try await h.db.client.withConnection { connection in
                try await accounts.clearCredentialsSent(accountIDs: [account.id], by: .system("test"), on: connection)
            }
            try await accounts.markCredentialsSent(accountID: account.id, at: approvedAt.addingTimeInterval(10 * 86_400))
            let deadlines = AccountDeadlines(client: h.db.client, logger: TestDatabase.logger)
            let late = try await deadlines.late(
                processID: h.environment.process.id, timeZone: h.environment.process.timeZone, days: 3,
                now: approvedAt.addingTimeInterval(11 * 86_400))
            #expect(!late.map(\.candidacyID).contains("R-1"), "a resend made an on-time account late")
            let row = try await h.db.client.query(
                """
                SELECT credentials_resends, credentials_last_resent_at IS NOT NULL FROM accounts WHERE id = \(account.id)
                """
            ).decode((Int, Bool).self)
            for try await (resends, dated) in row { #expect(resends == 1 && dated) }
            // Never sent at all: late.
            try await h.deliver(Self.approval("e-2", "R-2", representative: nil))
            let never = try await deadlines.late(
                processID: h.environment.process.id, timeZone: h.environment.process.timeZone, days: 3,
                now: approvedAt.addingTimeInterval(11 * 86_400))
            #expect(never.map(\.candidacyID).contains("R-2"))
        }
    }

    @Test func aPhotoAcceptedAfterTheVerificationSendsTheProfileBackForAuthorization() async throws {
        let transitions: [(ProfileState, Bool)] = [(.authorized, true), (.verified, true), (.published, false)]
        for (state, reopens) in transitions {
            let actions = ProfileLifecycle.actionsAfterCapture(in: state, complete: true, changed: true)
            #expect(actions.contains(.reopen) == reopens, "\(state)")
        }
        try await CaptureTests().withSite { site in
            let id = site.panA.id
            try await StaffTests.authorize(site.db, id)
            try await StaffTests.workflows(site.db).apply(.verify, to: id, by: StaffTests.staff)
            // A photo sent before the verification is accepted after it: photo.check points the
            // questionnaire at it (as `PhotoRepository.markAccepted` does) and syncs the profile.
            let reference = String(decoding: try JSONEncoder().encode(CaptureTests.photo(site)), as: UTF8.self)
            try await site.db.client.query(
                """
                UPDATE curricular_questionnaires SET answers = jsonb_set(answers, '{photo}', \(reference)::jsonb) WHERE candidacy_id = \(id)
                """)
            _ = try await site.context.profileCapture.sync(site.panA, by: .system("photo.check"), changed: true, logger: TestDatabase.logger)
            let state = try await site.state(of: site.panA)
            #expect(state != .verified, "a verified profile kept a photo nobody reviewed")
            #expect(!state.hasPublishedVersion)
            // Staff can't publish it until it is authorized and verified again.
            _ = try await WebFixtures.staffAccount(site.db, .transparencyStaff, username: "ana.staff")
            try await site.browser.signIn("ana.staff")
            #expect(try await site.browser.post("/instancia/candidaturas/\(id)/publicar").status == .conflict)
            let review = try await site.browser.get("/instancia/candidaturas/\(id)").text
            #expect(review.contains("/instancia/candidaturas/\(id)/foto"), "staff do not see which photo they publish")
        }
    }
}

/// A configuration problem of the mail server never discards a message; a refused address
/// discards only its message and shows on the account.
@Suite("Mail failures: server problems wait, refused addresses are recorded")
struct MailFailureTests {
    @Test func aServerProblemSnoozesAndARefusedAddressIsRecordedOnTheAccount() async throws {
        try await AccountsAndPhotoFlowTests().withHarness { h in
            let accounts = AccountRepository(client: h.db.client, logger: TestDatabase.logger)
            try await h.deliver(AccountsAndPhotoFlowTests.approval("e-1", "F-1", representative: nil))
            try await h.runAll(AccountIssueWorker(environment: h.environment))
            let account = try #require(try await accounts.account(candidacyID: "F-1"))
            let send = CredentialsMailWorker(environment: h.environment)
            let args = CredentialsMailJob(candidacyID: "F-1", eventID: "e-1")

            // An expired SMTP password (and a refused relay): the job waits, nothing is discarded or marked.
            for problem in [
                SMTPError(code: .authenticationFailed, replyCode: 535, detail: "Login denied"),
                SMTPError(code: .permanentRejection, replyCode: 550, detail: "RCPT failed: 550 5.7.1 Relaying denied"),
                SMTPError(code: .tlsFailed, detail: "SSL connect error"),
            ] {
                h.mail.failNextSends(with: [problem])
                await #expect(throws: JobSnooze.self, "\(problem.code)") { try await JobTesting.perform(send, args: args) }
                #expect(try await accounts.account(id: account.id)?.credentialsSentAt == nil)
            }
            // A connection failure retries as usual, and on the last attempt waits instead of being discarded.
            h.mail.failNextSends(with: [SMTPError(code: .connectionFailed, detail: "refused")])
            await #expect(throws: SMTPError.self) { try await JobTesting.perform(send, args: args) }
            h.mail.failNextSends(with: [SMTPError(code: .connectionFailed, detail: "refused")])
            await #expect(throws: JobSnooze.self) { try await JobTesting.perform(send, args: args, attempt: 20) }
            #expect(
                try await h.db.client.query("SELECT mail_failure FROM accounts WHERE id = \(account.id)")
                    .collect().first?.decode(String?.self) == nil)

            // The mailbox does not exist: this message is discarded and the account shows why.
            h.mail.failNextSends(with: [SMTPError(code: .permanentRejection, replyCode: 550, detail: "RCPT failed: 550 unknown user")])
            await #expect(throws: JobCancel.self) { try await JobTesting.perform(send, args: args) }
            let reply = try await h.db.client.query("SELECT mail_failure FROM accounts WHERE id = \(account.id)")
                .collect().first?.decode(String?.self)
            #expect(reply?.contains("550") == true)
            // Once the server takes it (the password fixed, the address corrected), it is sent and the mark cleared.
            try await JobTesting.perform(send, args: args)
            #expect(h.mail.sentMessages.count == 1)
            #expect(
                try await h.db.client.query("SELECT mail_failure FROM accounts WHERE id = \(account.id)")
                    .collect().first?.decode(String?.self) == nil)
        }
    }
}
