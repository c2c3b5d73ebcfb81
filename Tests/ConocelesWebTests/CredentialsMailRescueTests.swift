import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

/// Found by scripts/chaos: a worker killed after the SMTP server accepted the credentials
/// e-mail but before `credentials_sent_at` was recorded left, once the person had activated
/// the account from that e-mail, an account that the rescued attempt skipped and that every
/// deadline report counted as never sent.
@Suite("mail.credentials after a lost attempt")
struct CredentialsMailRescueTests {
    @Test func anAccountActivatedFromALostAttemptsMailIsRecordedAsSentAndNotMailedAgain() async throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        try await TestDatabase.with { db in
            let candidacy = WebFixtures.candidacy("C-RESCATE", party: "PAN", name: "Rosa Rescatada")
            try await WebFixtures.seed(db, process, [candidacy])
            let activated = try await WebFixtures.candidateAccount(db, for: candidacy)  // activated, never recorded as sent
            let activatedAt = try #require(activated.activatedAt)
            #expect(activated.credentialsSentAt == nil)
            let mail = InMemoryMailTransport()
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let environment = try JobEnvironment(
                client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: mail,
                pipelines: PipelineEngine(definitions: [], jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
            try await JobTesting.perform(CredentialsMailWorker(environment: environment), args: .init(candidacyID: candidacy.id, eventID: "evt-rescate"))
            #expect(mail.sentMessages.isEmpty, "the person has the link already: no second e-mail")
            let after = try #require(try await AccountRepository(client: db.client, logger: TestDatabase.logger).account(id: activated.id))
            let sentAt = try #require(after.credentialsSentAt)
            #expect(abs(sentAt.timeIntervalSince(activatedAt)) < 0.001)
            #expect(after.activatedAt != nil)
        }
    }
}
