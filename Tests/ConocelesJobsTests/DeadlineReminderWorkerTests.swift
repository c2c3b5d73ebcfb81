import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Mail
import Storage
import TestSupport
import Testing

@Suite("DeadlineReminderWorker")
struct DeadlineReminderWorkerTests {
    static let process = PhotoFixtures.process

    /// 18:00 UTC (midday in Jalisco) of `day`.
    static func noon(_ day: String) -> Date {
        try! Date("\(day)T18:00:00Z", strategy: .iso8601)
    }

    static func worker(_ db: Database, _ mail: InMemoryMailTransport, on day: String, listLimit: Int = 300) -> DeadlineReminderWorker {
        let now = noon(day)
        return DeadlineReminderWorker(
            client: db.client, process: process, mail: mail, from: "Conóceles <conoceles@iepc.example>",
            publicURL: "https://conoceles.example/", listLimit: listLimit, clock: { now })
    }

    static func candidacy(_ id: String, party: String, name: String) -> Candidacy {
        Candidacy(
            id: id, processID: process.id, officeCode: "GUB", formulaPosition: .proprietor, fullName: name, gender: .woman,
            age: .years(45), postulatingEntity: .party(code: party))
    }

    /// PAN: two candidacies owing their capture (one with markup in its name), one complete and
    /// awaiting its authorization (owed by the party too) and one authorized (waiting on staff);
    /// PRI: everything authorized; MC: owes one but has no generic account. Accounts for PAN and PRI.
    static func seed(_ db: Database) async throws {
        try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
        let candidacies = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
        for candidacy in [
            candidacy("PAN-1", party: "PAN", name: "Ana Pendiente Ruiz"),
            candidacy("PAN-2", party: "PAN", name: "<script>alert(1)</script> Capturando"),
            candidacy("PAN-3", party: "PAN", name: "Paula Completa Díaz"),
            candidacy("PAN-4", party: "PAN", name: "Lucía Por Autorizar"),
            candidacy("PRI-1", party: "PRI", name: "Rosa Completa Gómez"),
            candidacy("MC-1", party: "MC", name: "Mario Sin Cuenta"),
        ] { try await candidacies.register(candidacy, by: .system("test")) }
        try await db.client.query("UPDATE profile_workflows SET state = 'en_captura' WHERE candidacy_id = 'PAN-2'")
        try await db.client.query("UPDATE profile_workflows SET state = 'autorizado' WHERE candidacy_id IN ('PAN-3', 'PRI-1')")
        try await db.client.query("UPDATE profile_workflows SET state = 'completo' WHERE candidacy_id = 'PAN-4'")
        let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
        for party in ["PAN", "PRI"] {
            _ = try await accounts.create(
                .representative(
                    username: "rep-\(party.lowercased())", email: "rep-\(party.lowercased())@partido.example",
                    displayName: "Representación \(party)", processID: process.id, entity: .party(code: party)),
                activationTTL: .seconds(3_600), by: .system("test"))
        }
    }

    @Test func remindsOnlyNonCompliantPartiesOncePerDeadlineAndDay() async throws {
        try await TestDatabase.with { db in
            try await Self.seed(db)
            let mail = InMemoryMailTransport()
            // 10 days before the 2024-04-15 deadline: nothing is due yet.
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-05"), args: .init())
            #expect(mail.sentMessages.isEmpty)

            // 7 days before: PAN's representative gets its two missing candidacies and the one awaiting
            // its authorization; PRI (everything authorized) nothing.
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08"), args: .init())
            #expect(mail.sentMessages.count == 1)
            let first = try #require(mail.sentMessages.first)
            #expect(first.to.map(\.address) == ["rep-pan@partido.example"])
            #expect(first.subject.contains("15 de abril de 2024"))
            let text = first.textBody
            #expect(text.contains("Ana Pendiente Ruiz") && text.contains("Pendiente"))
            #expect(text.contains("<script>alert(1)</script> Capturando") && text.contains("En captura"))
            #expect(text.contains("Lucía Por Autorizar") && text.contains("falta que la representación autorice"))
            #expect(text.contains("3 candidatura(s)"))
            #expect(!text.contains("Paula Completa") && !text.contains("Rosa Completa") && !text.contains("Mario Sin Cuenta"))
            #expect(text.contains("https://conoceles.example/candidaturas"))
            let html = try #require(first.htmlBody)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Capturando") && !html.contains("<script>"))

            // A second run the same day, and runs before the 2-day reminder, send nothing more.
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08"), args: .init())
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-10"), args: .init())
            #expect(mail.sentMessages.count == 1)

            // 2 days before: the second reminder, once, even with two runs at the same time.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 { group.addTask { try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-13"), args: .init()) } }
                try await group.waitForAll()
            }
            #expect(mail.sentMessages.count == 2)
            #expect(mail.sentMessages.allSatisfy { $0.to.map(\.address) == ["rep-pan@partido.example"] })

            // After the deadline nothing; before the next one, a run that missed the 7-day
            // reminder (6 days before) still sends it once.
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-16"), args: .init())
            #expect(mail.sentMessages.count == 2)
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-05-09"), args: .init())
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-05-10"), args: .init())
            #expect(mail.sentMessages.count == 3)
            #expect(mail.sentMessages.last?.subject.contains("15 de mayo de 2024") == true)
            #expect(try await DeadlineReminderLog(client: db.client, logger: TestDatabase.logger).count(processID: Self.process.id) == 3)

            // Once PAN has captured and authorized everything it is compliant: the 2-day reminder of May does not go out.
            try await db.client.query("UPDATE profile_workflows SET state = 'autorizado' WHERE candidacy_id IN ('PAN-1', 'PAN-2', 'PAN-4')")
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-05-13"), args: .init())
            #expect(mail.sentMessages.count == 3)
        }
    }

    @Test func aFailedSendIsNotRecordedAndTheRetrySendsIt() async throws {
        try await TestDatabase.with { db in
            try await Self.seed(db)
            let mail = InMemoryMailTransport()
            mail.failNextSends(with: [SMTPError(code: .connectionFailed, detail: "down")])
            await #expect(throws: (any Error).self) {
                try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08"), args: .init())
            }
            #expect(try await DeadlineReminderLog(client: db.client, logger: TestDatabase.logger).count(processID: Self.process.id) == 0)
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08"), args: .init(), attempt: 2)
            #expect(mail.sentMessages.count == 1)
        }
    }

    /// PAN's address is refused (550) and PRI's server problem is passing: PRI waits for the
    /// retry, PAN's failure is recorded on its account, and neither stops the other.
    @Test func oneBouncingRepresentativeNeverBlocksTheOthers() async throws {
        try await TestDatabase.with { db in
            try await Self.seed(db)
            try await db.client.query("UPDATE profile_workflows SET state = 'pendiente' WHERE candidacy_id = 'PRI-1'")
            let mail = InMemoryMailTransport()
            // Entities go in order (PAN, then PRI): PAN's address refused, PRI's attempt hits a dropped connection.
            mail.failNextSends(with: [
                SMTPError(code: .permanentRejection, replyCode: 550, detail: "RCPT failed: 550 no such user"),
                SMTPError(code: .connectionFailed, detail: "reset"),
            ])
            await #expect(throws: SMTPError.self) {
                try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08"), args: .init())
            }
            let failure = try await db.client.query("SELECT mail_failure FROM accounts WHERE username = 'rep-pan'")
                .collect().first?.decode(String?.self)
            #expect(failure?.contains("550") == true)
            // The retry reminds PRI; PAN's refused reminder is not sent again.
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08"), args: .init(), attempt: 2)
            #expect(mail.sentMessages.map { $0.to.map(\.address) } == [["rep-pri@partido.example"]])
            #expect(try await DeadlineReminderLog(client: db.client, logger: TestDatabase.logger).count(processID: Self.process.id) == 2)
        }
    }

    @Test func aLongListIsCutAndCounted() async throws {
        try await TestDatabase.with { db in
            try await Self.seed(db)
            let mail = InMemoryMailTransport()
            try await JobTesting.perform(Self.worker(db, mail, on: "2024-04-08", listLimit: 1), args: .init())
            let message = try #require(mail.sentMessages.first)
            #expect(message.textBody.contains("tiene 3 candidatura(s)"))
            let listed = ["Ana Pendiente Ruiz", "Capturando", "Lucía Por Autorizar"].filter { message.textBody.contains($0) }
            #expect(listed.count == 1, "exactly one listed")
            #expect(message.textBody.contains("y 2 candidatura(s) más"))
            #expect(message.htmlBody?.contains("y 2 candidatura(s) más") == true)
        }
    }

    @Test func theDueReminderFollowsTheConfiguredDays() throws {
        let deadline = LocalDate("2024-04-15")!
        let due = { (day: String) in Self.process.dueReminder(for: deadline, today: LocalDate(day)!) }
        #expect(Self.process.deadlines.reminderDaysBefore == [7, 2])
        #expect(due("2024-04-07") == nil)
        #expect(due("2024-04-08") == 7)
        #expect(due("2024-04-12") == 7)
        #expect(due("2024-04-13") == 2)
        #expect(due("2024-04-15") == 2)
        #expect(due("2024-04-16") == nil)
    }

    @Test func theKindIsDefinedAndScheduledDaily() throws {
        let catalog = try PhotoFixtures.catalog()
        #expect(catalog.policies[DeadlineReminderWorker.kind] != nil)
        let schedule = try #require(catalog.schedules.first { $0.kind == DeadlineReminderWorker.kind })
        #expect(schedule.expression == "0 9 * * *")
    }
}
