import ConocelesConfig
import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

/// Issue 23: a rejected registration event is corrected by staff in the system and applied
/// again; the correction keeps its author and the original event.
@Suite("Correcting a rejected registration event")
struct RejectedEventCorrectionTests {
    static func body(municipality: String) -> String {
        """
        {"id": "evt-corr", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
         "candidacy": {"id": "C-CORR", "office": "PM", "municipality": "\(municipality)", "formula_position": "propietario",
                       "full_name": "Elena Corregida", "gender": "mujer", "birth_date": "1985-01-31",
                       "postulated_by_type": "partido", "postulated_by": "MC", "email": "elena@example.mx"}}
        """
    }

    @Test func staffCorrectTheOffendingFieldAndTheEventApplies() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [])
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "staff-igualdad")
            let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
            _ = try await events.record(
                RegistrationEvent(
                    id: "evt-corr", processID: process.id, kind: .approval, candidacyID: "C-CORR",
                    body: Self.body(municipality: "999"), source: .csv))
            let context = testContext(db, process)
            let environment = try await Self.environment(db)
            // The worker rejects it (municipality 999 is not in the catalog).
            try await JobTesting.perform(RegistrationIngestWorker(environment: environment), args: IngestJob(eventID: "evt-corr"))
            #expect(try await events.event(id: "evt-corr")?.status == .rejected)
            let originalStored = try #require(try await events.event(id: "evt-corr")).body
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in
                let other = Browser(client)
                try await other.signIn("staff-igualdad")
                #expect(try await other.post("/instancia/eventos-rechazados/evt-corr/corregir", [("municipality", "039")]).status == .forbidden)

                let staff = Browser(client)
                try await staff.signIn("staff-transparencia")
                #expect(try await staff.get("/instancia/eventos-rechazados").text.contains("href=\"/instancia/eventos-rechazados/evt-corr\""))
                let form = try await staff.get("/instancia/eventos-rechazados/evt-corr")
                #expect(form.status == .ok)
                #expect(form.text.contains("El municipio 999 no está en el catálogo."))
                #expect(form.text.contains("name=\"municipality\" value=\"999\""))
                // Without CSRF: refused, nothing changes.
                #expect(try await staff.post("/instancia/eventos-rechazados/evt-corr/corregir", [("municipality", "039")], csrf: false).status == .forbidden)
                // A correction that still can't apply is refused with the worker's reason; nothing stored.
                let still = try await staff.post("/instancia/eventos-rechazados/evt-corr/corregir", [("municipality", "998")])
                #expect(still.status == .unprocessableContent)
                #expect(still.text.contains("El municipio 998 no está en el catálogo."))
                #expect(try await events.corrections(eventID: "evt-corr").isEmpty)
                #expect(try await events.event(id: "evt-corr")?.status == .rejected)

                let done = try await staff.post(
                    "/instancia/eventos-rechazados/evt-corr/corregir",
                    [
                        ("office", "PM"), ("municipality", "039"), ("district", ""), ("list_position", ""),
                        ("postulated_by_type", "partido"), ("postulated_by", "MC"),
                    ])
                #expect(done.status == .seeOther && done.location == "/instancia/eventos-rechazados?hecho=corregido")
                #expect(try await events.event(id: "evt-corr")?.status == .pending)
                try await JobTesting.assertEnqueued(db, kind: IngestJob.kind, args: IngestJob.self) { $0.eventID == "evt-corr" }
                // A second submission finds it no longer rejected.
                #expect(try await staff.post("/instancia/eventos-rechazados/evt-corr/corregir", [("municipality", "040")]).status == .conflict)

                // The worker applies the corrected event.
                try await JobTesting.perform(RegistrationIngestWorker(environment: environment), args: IngestJob(eventID: "evt-corr"))
                #expect(try await events.event(id: "evt-corr")?.status == .applied)
                let candidacy = try #require(try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).candidacy(id: "C-CORR"))
                #expect(candidacy.municipality == "039" && candidacy.fullName == "Elena Corregida")

                // The correction is recorded: author, change, original.
                let corrections = try await events.corrections(eventID: "evt-corr")
                #expect(corrections.count == 1)
                let correction = try #require(corrections.first)
                #expect(correction.actor.role == AccountRole.transparencyStaff.rawValue)
                #expect(
                    correction.changesJSON.contains("\"from\": \"999\"") && correction.changesJSON.contains("\"to\": \"039\""),
                    "\(correction.changesJSON)")
                #expect(correction.originalSHA256 == Self.sha256Hex(originalStored), "the hash of the body as it was")
                #expect(try await events.event(id: "evt-corr")?.body.contains("\"039\"") == true)
                #expect(correction.previousReason?.contains("999") == true)
                #expect(correction.changesJSON.contains("municipality") && !correction.changesJSON.contains("office"), "only what changed")
                let audit = try await AuditLog(client: db.client, logger: TestDatabase.logger)
                    .records(subjectType: "registration_event", subjectID: "evt-corr")
                #expect(audit.map(\.entry.action) == ["registration_event.corrected"])
                let page = try await staff.get("/instancia/eventos-rechazados/evt-corr").text
                #expect(page.contains("Aplicado") && page.contains("municipality: «999» → «039»"))
                #expect(!(try await staff.get("/instancia/eventos-rechazados").text.contains("evt-corr")))
            }
        }
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func environment(_ db: Database) async throws -> JobEnvironment {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
        let pipelines = try PipelineDefinition.loadAll(directory: "\(repositoryRoot)/pipelines", knownKinds: WorkerRegistry.kinds)
        return try JobEnvironment(
            client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: InMemoryMailTransport(),
            pipelines: PipelineEngine(definitions: pipelines, jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
    }
}
