import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import HummingbirdTesting
import JobArguments
import JobQueue
import Mail
import NIOCore
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The registration ingest and the credentials e-mails in batches (issue: every stage in
/// batches): one transaction per batch of events, one bad event never blocks its batch, a
/// credentials e-mail sent again is the same bytes with a working link, a corrected e-mail
/// reaches the new address and the old link stops, concurrent requests share a commit.
@Suite("Ingest and credentials in batches")
struct IngestBatchTests {
    typealias Harness = AccountsAndPhotoFlowTests.Harness

    static func approval(_ i: Int, prefix: String = "L", email: String? = nil) -> String {
        let party = ["PAN", "PRI", "MC"][i % 3]
        return """
            {"id": "ev-\(prefix)-\(i)", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
             "candidacy": {"id": "\(prefix)-\(i)", "office": "PM", "municipality": "039", "formula_position": "propietario",
                           "full_name": "Persona \(prefix) \(i)", "gender": "mujer", "birth_date": "1985-01-31",
                           "postulated_by_type": "partido", "postulated_by": "\(party)",
                           "email": "\(email ?? "persona.\(prefix.lowercased()).\(i)@example.mx")",
                           "representative_email": "rep.\(party.lowercased())@example.mx"}}
            """
    }

    /// Stores `bodies` as pending API events with their ingest jobs, as the intake does.
    func store(_ bodies: [String], _ h: Harness) async throws {
        let events = bodies.map { body -> RegistrationEvent in
            let id = (try? JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(body.utf8)).id) ?? nil
            return RegistrationEvent(
                id: id ?? UUID().uuidString, processID: h.environment.process.id, kind: .approval,
                candidacyID: "x", body: body, source: .csv)
        }
        let repository = RegistrationEventRepository(client: h.db.client, logger: TestDatabase.logger)
        try await h.db.client.withTransaction(logger: TestDatabase.logger) { tx in
            _ = try await repository.recordMany(events, on: tx)
            _ = try await h.jobs.insertMany(events.map { try NewJob(kind: IngestJob.kind, args: IngestJob(eventID: $0.id)) }, on: tx)
        }
    }

    func int(_ h: Harness, _ query: PostgresQuery) async throws -> Int {
        for try await n in try await h.db.client.query(query).decode(Int.self) { return n }
        return -1
    }

    @Test func oneJobAppliesABatchInOneTransactionAndTheEmailsGoInBatches() async throws {
        try await AccountsAndPhotoFlowTests().withHarness { h in
            try await store((0..<300).map { Self.approval($0) }, h)
            let first = try #require(try await JobTesting.enqueued(h.db, kind: IngestJob.kind).first)
            try await JobTesting.perform(RegistrationIngestWorker(environment: h.environment), args: try first.decodeArgs(IngestJob.self))
            #expect(try await int(h, "SELECT count(*)::int FROM registration_events WHERE status = 'applied'") == 300)
            // Every candidacy, workflow and account written by the same transaction.
            #expect(try await int(h, "SELECT count(DISTINCT xmin::text)::int FROM candidacies") == 1)
            #expect(try await int(h, "SELECT count(DISTINCT xmin::text)::int FROM accounts") == 1)
            #expect(try await int(h, "SELECT count(*)::int FROM accounts WHERE role = 'persona_candidata'") == 300)
            #expect(try await int(h, "SELECT count(*)::int FROM accounts WHERE role = 'representacion'") == 3, "one generic account per party")
            #expect(try await int(h, "SELECT count(*)::int FROM jobs WHERE kind = 'account.issue'") == 0, "no per-event account job")
            #expect(try await int(h, "SELECT count(*)::int FROM pipeline_runs") == 0, "no per-event pipeline")
            let mailJobs = try await JobTesting.enqueued(h.db, kind: CredentialsMailWorker.kind)
            #expect(mailJobs.count == 1, "one e-mail job for the batch")
            // The other events' jobs find them applied and change nothing.
            try await h.runAll(RegistrationIngestWorker(environment: h.environment))
            #expect(try await int(h, "SELECT count(*)::int FROM candidacies") == 300)

            try await h.runAll(CredentialsMailWorker(environment: h.environment))
            #expect(h.mail.sentMessages.count == 303)
            #expect(Set(h.mail.sentMessages.flatMap { $0.to.map(\.address) }).count == 303, "each account once")
            #expect(try await int(h, "SELECT count(*)::int FROM accounts WHERE credentials_sent_at IS NULL") == 0)
            // Sent in batches of CredentialsMailWorker.batchSize: one statement records each batch.
            #expect(
                try await int(h, "SELECT count(DISTINCT xmin::text)::int FROM accounts") == (303 + CredentialsMailWorker.batchSize - 1)
                    / CredentialsMailWorker.batchSize)
        }
    }

    @Test func onePoisonedEventNeverBlocksItsBatch() async throws {
        try await AccountsAndPhotoFlowTests().withHarness { h in
            // The database refuses one candidacy (a constraint the parser can't know of) and one
            // body does not parse: both are rejected with their reason, the other 498 apply.
            try await h.db.client.query(
                """
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.id = 'L-250' THEN RAISE EXCEPTION 'candidatura envenenada' USING ERRCODE = '23514'; END IF;
                  RETURN NEW;
                END $$
                """)
            try await h.db.client.query("CREATE TRIGGER poison BEFORE INSERT ON candidacies FOR EACH ROW EXECUTE FUNCTION refuse_poison()")
            var bodies = (0..<500).map { Self.approval($0) }
            bodies[100] = #"{"id": "ev-L-100", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z", "candidacy": {"id": "L-100"}}"#
            try await store(bodies, h)
            try await h.runAll(RegistrationIngestWorker(environment: h.environment))
            #expect(try await int(h, "SELECT count(*)::int FROM registration_events WHERE status = 'applied'") == 498)
            #expect(try await int(h, "SELECT count(*)::int FROM candidacies") == 498)
            #expect(try await int(h, "SELECT count(*)::int FROM accounts WHERE role = 'persona_candidata'") == 498)
            var reasons: [String: String] = [:]
            for try await (id, reason) in try await h.db.client.query(
                "SELECT id, status_reason FROM registration_events WHERE status = 'rejected'"
            ).decode((String, String).self) {
                reasons[id] = reason
            }
            #expect(Set(reasons.keys) == ["ev-L-100", "ev-L-250"])
            #expect(reasons["ev-L-250"]?.contains("candidatura envenenada") == true, "\(reasons)")
            #expect(try await int(h, "SELECT count(*)::int FROM jobs WHERE kind = 'registration.ingest' AND state = 'discarded'") == 0)
        }
    }

    /// The token in a credentials e-mail.
    static func token(in message: MailMessage) throws -> String {
        let link = try #require(message.textBody.split(separator: "\n").first { $0.contains("/activar?token=") })
        return String(try #require(link.split(separator: "=").last))
    }

    @Test func aCredentialsEmailSentAgainIsTheSameBytesAndItsLinkWorks() async throws {
        try await AccountsAndPhotoFlowTests().withHarness { h in
            try await h.deliver(Self.approval(1, prefix: "B"))
            try await h.runAll(CredentialsMailWorker(environment: h.environment))
            #expect(h.mail.sentMessages.count == 2)  // the candidate and the party's generic account
            // The worker dies between the SMTP server's acceptance and the record: the accounts
            // are due again once their lease ends, and the next sweep sends them again.
            try await h.db.client.query(
                """
                UPDATE accounts SET credentials_sent_at = NULL, first_credentials_sent_at = NULL, credentials_lease_until = NULL
                """)
            try await Task.sleep(for: .milliseconds(1_100))  // a retry a while later: the Date must not move
            try await JobTesting.perform(CredentialsMailWorker(environment: h.environment), args: CredentialsMailJob(candidacyID: "", eventID: ""))
            let sent = h.mail.sentMessages
            #expect(sent.count == 4)
            for address in ["persona.b.1@example.mx", "rep.pri@example.mx"] {
                let copies = sent.filter { $0.to.contains { $0.address == address } }
                try #require(copies.count == 2, "\(address)")
                #expect(copies[0].rendered() == copies[1].rendered(), "a retry must be the same bytes")
                #expect(copies[0].messageID.contains("-1@"), "the Message-ID names the issue")
            }
            let copy = try #require(sent.last { $0.to.contains { $0.address == "persona.b.1@example.mx" } })
            let account = try await AccountRepository(client: h.db.client, logger: TestDatabase.logger)
                .activate(token: ActivationToken(value: try Self.token(in: copy)), passwordHash: "$2b$04$abcdefghijklmnopqrstuv")
            #expect(account.candidacyID == "B-1", "the link of the repeated e-mail works")
        }
    }

    @Test func aCorrectedEmailGetsTheCredentialsAndTheOldLinkStops() async throws {
        try await AccountsAndPhotoFlowTests().withHarness { h in
            try await h.deliver(Self.approval(1, prefix: "E", email: "equivocado@example.mx"))
            try await h.runAll(CredentialsMailWorker(environment: h.environment))
            let old = try #require(h.mail.sentMessages.first { $0.to.contains { $0.address == "equivocado@example.mx" } })
            // The registration system corrects the address.
            let update = Self.approval(1, prefix: "E", email: "correcto@example.mx")
                .replacingOccurrences(of: "\"ev-E-1\"", with: "\"ev-E-1-fix\"")
                .replacingOccurrences(of: "candidacy.approved", with: "candidacy.updated")
            try await h.deliver(update)
            try await h.runAll(CredentialsMailWorker(environment: h.environment))
            let new = try #require(h.mail.sentMessages.first { $0.to.contains { $0.address == "correcto@example.mx" } })
            #expect(new.messageID.contains("-2@"), "a corrected address is a new issue of the credentials")
            let accounts = AccountRepository(client: h.db.client, logger: TestDatabase.logger)
            await #expect(throws: StorageError.self, "the link sent to the wrong address must stop working") {
                _ = try await accounts.activate(token: ActivationToken(value: try Self.token(in: old)), passwordHash: "$2b$04$abcdefghijklmnopqrstuv")
            }
            let activated = try await accounts.activate(token: ActivationToken(value: try Self.token(in: new)), passwordHash: "$2b$04$abcdefghijklmnopqrstuv")
            #expect(activated.email == "correcto@example.mx")
            // Audited without the addresses.
            for try await changes in try await h.db.client.query(
                "SELECT changes::text FROM audit_log WHERE action = 'account.email_corrected'"
            ).decode(String.self) {
                #expect(!changes.contains("@"), "\(changes)")
            }
            // A second identical update changes nothing and sends nothing.
            let before = h.mail.sentMessages.count
            try await h.deliver(update.replacingOccurrences(of: "\"ev-E-1-fix\"", with: "\"ev-E-1-fix2\""))
            try await h.runAll(CredentialsMailWorker(environment: h.environment))
            #expect(h.mail.sentMessages.count == before)
        }
    }

    /// Posts a signed event; returns the answer's status code.
    static func postStatus(_ client: any TestClientProtocol, _ json: String) async throws -> Int {
        let timestamp = Int(Date().timeIntervalSince1970)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("X-Conoceles-Timestamp")!] = String(timestamp)
        headers[HTTPField.Name("X-Conoceles-Signature")!] = EventSignature(secret: testEventSecret).sign(body: Array(json.utf8), timestamp: timestamp)
        return try await client.execute(uri: "/api/v1/events", method: .post, headers: headers, body: ByteBuffer(string: json)) {
            Int($0.status.code)
        }
    }

    @Test func concurrentRequestsShareACommitAndEachIsAnsweredForItself() async throws {
        try await EventsApiTests().withAPI { client, db in
            let bodies = (0..<64).map { Self.approval($0, prefix: "G") }
            let answered = try await withThrowingTaskGroup(of: Int.self) { group in
                for body in bodies + [bodies[5], bodies[9]] {  // two sent twice at once
                    group.addTask { try await Self.postStatus(client, body) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(answered.filter { $0 == 202 }.count == 64)
            #expect(answered.filter { $0 == 200 }.count == 2, "a repeated event is a duplicate, not a second effect")
            var stored = 0, transactions = 0, jobs = 0
            for try await (n, x) in try await db.client.query(
                "SELECT count(*)::int, count(DISTINCT xmin::text)::int FROM registration_events"
            ).decode((Int, Int).self) { (stored, transactions) = (n, x) }
            for try await n in try await db.client.query("SELECT count(*)::int FROM jobs WHERE kind = 'registration.ingest'").decode(Int.self) { jobs = n }
            #expect(stored == 64)
            #expect(transactions < 64, "concurrent requests share commits (\(transactions) transactions for 64 events)")
            #expect(jobs == transactions, "one ingest job per group of events stored together")
        }
    }
}
