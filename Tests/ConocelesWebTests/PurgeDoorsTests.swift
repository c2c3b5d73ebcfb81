import ConocelesConfig
import ConocelesCore
@testable import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import JobArguments
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

/// The purge as a citizen and the registration system meet it (issue 19): at the end of the
/// process the public profile keeps its photo but the original upload (EXIF and all) is gone
/// and the identity answers leave the public snapshot; a withdrawn candidacy's registration
/// events lose what identified the person, while the sender's re-sent event is still
/// recognised as a repetition.
@Suite("Privacy purge through its doors")
struct PurgeDoorsTests {
    static let retention = AppConfiguration.RetentionSettings(sensitiveDataDays: 30, everyoneDaysAfterElection: 150)

    @Test func theEndOfTheProcessKeepsOnlyTheStrippedPhotoAndTakesIdentityOutOfThePortal() async throws {
        try await PhotoUploadTests().withCandidate { browser, db, candidacy in
            let process = try jalisco()
            let id = candidacy.id
            // A photo with EXIF (camera date), uploaded and checked as in production.
            let recent = SpanishDates.today(timeZone: process.timeZone, now: Date().addingTimeInterval(-10 * 86_400))
            let jpeg = TestImages.jpeg(width: 600, height: 800, takenAt: "2024:03:01 10:00:00")
            #expect(jpeg.containsSubsequence(Array("Exif".utf8)))
            let (type, body) = PhotoUploadTests.multipart(jpeg, date: recent.description)
            #expect(try await browser.upload("/candidaturas/\(id)/foto", contentType: type, body: body).status == .seeOther)
            try await PhotoUploadTests().runChecks(db, process)
            let photos = PhotoRepository(client: db.client, logger: TestDatabase.logger)
            let photo = try #require(try await photos.currentPhoto(candidacyID: id))
            let published = try #require(photo.variant(.published))
            #expect(published.sha256 != photo.sha256)
            let original = try #require(BlobAddress(sha256: photo.sha256))
            #expect(try await PhotoUploadTests.blobs.get(original) != nil)

            // Identity answers with the candidate's consent, then the profile is published.
            let questionnaires = StaffTests.questionnaires(db)
            try await questionnaires.saveIdentity(PublicationTests.identity(), for: id, by: .system("test"))
            _ = try await questionnaires.recordConsent(granted: true, for: id, by: .system("test"))
            var answers = StaffTests.curricular()
            answers.photo = try await questionnaires.curricular(for: id)?.answers.photo
            #expect(answers.photo?.sha256 == photo.sha256)
            // The upload started the capture; the representative authorizes, staff publish.
            try await questionnaires.saveCurricular(answers, for: id, by: AuditActor(StaffTests.representative))
            let workflows = StaffTests.workflows(db)
            try await workflows.apply(.markComplete, to: id, by: StaffTests.representative, completeness: CompletenessReport())
            try await workflows.apply(.authorize, to: id, by: StaffTests.representative)
            try await StaffTests.publish(db, id)
            try await PublicationTests.rebuild(db, process)
            #expect(try await browser.get("/perfil/\(id)").text.contains("Comunidad coca de Mezcala"))
            let before = try await browser.get("/perfil/\(id)/foto.jpg")
            #expect(before.status == .ok)

            // The end of the process (2024-10-30 for Jalisco) has passed: the nightly purge.
            let publication = PublicationRepository(client: db.client, logger: TestDatabase.logger)
            let requests = try await publication.rebuildRequests(processID: process.id)
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let worker = PrivacyPurgeWorker(
                client: db.client, blobs: PhotoUploadTests.blobs, process: process, retention: Self.retention,
                jobs: jobs)
            try await JobTesting.perform(worker, args: .init())

            #expect(try await PhotoUploadTests.blobs.get(original) == nil, "the original upload, with its EXIF, is still stored")
            for variant in [published] + [photo.variant(.thumbnail)].compactMap({ $0 }) {
                #expect(try await PhotoUploadTests.blobs.get(BlobAddress(sha256: variant.sha256)!) != nil, "\(variant.kind)")
            }
            #expect(try await StaffTests.questionnaires(db).sealedIdentity(for: id) == nil)
            #expect(
                try await publication.rebuildRequests(processID: process.id) > requests,
                "the purge did not ask for a rebuild: the snapshot keeps the deleted answers")
            #expect(!(try await JobTesting.enqueued(db, kind: PublicationRebuildWorker.kind)).isEmpty)

            try await PublicationTests.rebuild(db, process)
            let profile = try await browser.get("/perfil/\(id)")
            #expect(profile.status == .ok)
            #expect(!profile.text.contains("Comunidad coca de Mezcala"))
            #expect(!profile.text.contains("Persona indígena"))
            let json = try await browser.get("/api/v1/publico/candidaturas/\(id)").text
            #expect(!json.contains("Mezcala"))
            let after = try await browser.get("/perfil/\(id)/foto.jpg")
            #expect(after.status == .ok, "the published photo went with the original")
            let bytes = Array(after.body.readableBytesView)
            #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8])
            #expect(!bytes.containsSubsequence(Array("Exif".utf8)), "the public photo carries EXIF")
            // The staff's preview of the profile's photo (variants) still answers.
            #expect(try await browser.get("/candidaturas/\(id)/foto/vista").status == .ok)

            // Once is enough: a second run deletes and writes nothing.
            let lines = try await AuditLog(client: db.client, logger: TestDatabase.logger).records(forCandidacy: id)
                .filter { $0.entry.action == "privacy.purge" }
            #expect(lines.count == 1)
            #expect(lines.first?.entry.changes["photo_originals"] == "1")
            try await JobTesting.perform(worker, args: .init())
            #expect(
                try await AuditLog(client: db.client, logger: TestDatabase.logger).records(forCandidacy: id)
                    .filter { $0.entry.action == "privacy.purge" }.count == 1)
        }
    }

    @Test func aWithdrawnCandidacysEventsLoseThePersonsDataButRepeatsAreRecognised() async throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        let api = EventsApiTests()
        try await api.withAPI { client, db in
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let definitions = try PipelineDefinition.loadAll(directory: "\(repositoryRoot)/pipelines", knownKinds: WorkerRegistry.kinds)
            let environment = try JobEnvironment(
                client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: InMemoryMailTransport(),
                pipelines: PipelineEngine(definitions: definitions, jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
            let ingest = RegistrationIngestWorker(environment: environment)
            func deliver(_ json: String) async throws {
                try await api.post(client, json) { #expect($0.status == .accepted) }
                while let job = try await JobTesting.enqueued(db, kind: RegistrationIngestWorker.kind).first {
                    try await JobTesting.perform(ingest, args: try job.decodeArgs(IngestJob.self))
                    _ = try await jobs.cancel(id: job.id)
                }
            }
            let approval = RegistrationOrderTests.approval(event: "e-aprob", candidacy: "RET-1")
            let kept = RegistrationOrderTests.approval(event: "e-otra", candidacy: "RET-2")
            try await deliver(approval)
            try await deliver(kept)
            try await deliver(RegistrationOrderTests.cancellation(event: "e-cancel", candidacy: "RET-1"))

            func body(_ event: String) async throws -> (String, Bool) {
                for try await row in try await db.client.query(
                    "SELECT body::text, body_purged_at IS NOT NULL FROM registration_events WHERE id = \(event)"
                ).decode((String, Bool).self) {
                    return row
                }
                Issue.record("no event \(event)")
                return ("", false)
            }
            func purge(daysAfterWithdrawal days: Int) async throws {
                let now = Date().addingTimeInterval(Double(days) * 86_400)
                // Before the end of the process for everyone: only the withdrawal rule applies.
                var early = process
                early.electionDay = LocalDate("2100-06-02")!
                try await JobTesting.perform(
                    PrivacyPurgeWorker(
                        client: db.client, blobs: PhotoUploadTests.blobs, process: early, retention: Self.retention, clock: { now }), args: .init())
            }
            try await purge(daysAfterWithdrawal: 29)
            #expect(try await body("e-aprob").0.contains("persona@example.mx"), "purged before its retention ended")

            try await purge(daysAfterWithdrawal: 31)
            let (purged, marked) = try await body("e-aprob")
            #expect(marked)
            for personal in ["persona@example.mx", "1985-01-31", "Persona RET-1", "full_name"] {
                #expect(!purged.contains(personal), "\(personal) is still in the event")
            }
            #expect(purged.contains("e-aprob") && purged.contains("RET-1"), "the event lost its identifiers")
            #expect(try await body("e-cancel").1)
            #expect(try await body("e-otra") == (try await body("e-otra").0, false), "an active candidacy's event was purged")
            #expect(try await body("e-otra").0.contains("persona@example.mx"))

            // The registration system re-sends the approval: still a repetition, not a conflict.
            try await api.post(client, approval) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""duplicate":true"#))
            }
            let changed = approval.replacingOccurrences(of: "Persona RET-1", with: "Otra Persona")
            try await api.post(client, changed) { #expect($0.status == .conflict) }
            let lines = try await AuditLog(client: db.client, logger: TestDatabase.logger).records(forCandidacy: "RET-1")
            #expect(lines.last?.entry.action == "privacy.purge")
            #expect(lines.last?.entry.changes["event_bodies"] == "2")
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes.
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in self[start..<(start + needle.count)].elementsEqual(needle) }
    }
}
