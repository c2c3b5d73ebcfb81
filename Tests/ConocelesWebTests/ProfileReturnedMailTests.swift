import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

@Suite("mail.profile_returned")
struct ProfileReturnedMailTests {
    @Test func theCandidateAndTheRepresentativeGetStaffsObservations() async throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        // The file's settings with test secrets (the worker reads only smtp.from and http.public_url).
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        try await TestDatabase.with { db in
            let candidacy = WebFixtures.candidacy("C-CORREO", party: "PAN", name: "Teresa Villaseñor")
            try await WebFixtures.seed(db, process, [candidacy])
            _ = try await WebFixtures.candidateAccount(db, for: candidacy, username: "teresa")
            _ = try await WebFixtures.representativeAccount(db, party: "PAN")
            _ = try await WebFixtures.representativeAccount(db, party: "PRI")
            try await StaffTests.authorize(db, candidacy.id)
            let returned = try await StaffTests.workflows(db).apply(
                .returnWithObservations, to: candidacy.id, by: StaffTests.staff, observations: "La foto es de 2019 <b>vieja</b>")
            let mail = InMemoryMailTransport()
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let environment = try JobEnvironment(
                client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: mail,
                pipelines: PipelineEngine(definitions: [], jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
            try await JobTesting.perform(
                ProfileReturnedMailWorker(environment: environment),
                args: .init(candidacyID: candidacy.id, returnedAt: returned.at))
            let sent = mail.sentMessages
            #expect(Set(sent.flatMap(\.to).map(\.address)) == ["cand@example.org", "rep-pan@example.org"])
            for message in sent {
                #expect(message.subject == "Perfil devuelto con observaciones: Teresa Villaseñor")
                #expect(message.textBody.contains("La foto es de 2019 <b>vieja</b>"))
                #expect(message.htmlBody?.contains("La foto es de 2019 &lt;b&gt;vieja&lt;/b&gt;") == true)
            }
        }
    }

    @Test func itsPolicyIsReadFromTheJobsFolder() throws {
        let catalog = try JobCatalog.load(directory: "\(repositoryRoot)/jobs", knownKinds: WorkerRegistry.kinds)
        let policy = catalog.policy(for: ProfileReturnedMailWorker.kind)
        #expect(policy.queue == "mail")
        #expect(policy.maxAttempts == 25)
    }
}
