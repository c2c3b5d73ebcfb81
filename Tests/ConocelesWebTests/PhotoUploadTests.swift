import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import JobArguments
import JobQueue
import NIOCore
import Storage
import Testing
import TestSupport

@Suite("Photo upload")
struct PhotoUploadTests {
    static let blobs = FileBlobStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("web-photos-\(UUID().uuidString)").path)

    func withCandidate(_ body: @Sendable @escaping (Browser, Database, Candidacy) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let mine = WebFixtures.candidacy("FOTO-1", party: "PAN"), other = WebFixtures.candidacy("FOTO-2", party: "PRI", name: "Otra Persona Distinta")
            try await WebFixtures.seed(db, process, [mine, other])
            try await WebFixtures.candidateAccount(db, for: mine, username: "cand-foto")
            try await WebFixtures.acceptNotice(db, mine.id)  // every capture path waits for it
            try await WebFixtures.representativeAccount(db, party: "PRI")
            var context = WebContext(
                database: db, process: process, catalogs: jaliscoCatalogs, eventSecret: testEventSecret, cipher: testCipher, blobs: Self.blobs,
                jobCatalog: try JobCatalog.load(directory: "\(repositoryRoot)/jobs", knownKinds: WorkerRegistry.kinds))
            context.photoPolicy = PhotoPolicy(maxBytes: 300 * 1_024)
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("cand-foto")
                try await body(browser, db, mine)
            }
        }
    }

    static func multipart(_ file: [UInt8], filename: String = "foto.jpg", date: String = "") -> (String, ByteBuffer) {
        let boundary = "----conoceles\(UInt32.random(in: 0 ... .max))"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"fecha_toma\"\r\n\r\n\(date)\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"foto\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// Runs the `photo.check` jobs the uploads enqueued, as a worker would.
    func runChecks(_ db: Database, _ process: ElectionProcess) async throws {
        let worker = PhotoCheckWorker(
            client: db.client, blobs: Self.blobs, policy: PhotoPolicy(maxBytes: 300 * 1_024),
            publicationDate: CalendarDay(process.publicationDate),
            profiles: ProfileCapture(client: db.client, cipher: testCipher, process: process, catalogs: jaliscoCatalogs))
        for job in try await JobTesting.assertEnqueued(db, kind: PhotoCheckWorker.kind, args: PhotoCheckJob.self) {
            try await JobTesting.perform(worker, args: try job.decodeArgs(PhotoCheckJob.self))
        }
    }

    @Test func aGoodPhotoIsReceivedCheckedAndPreviewed() async throws {
        try await withCandidate { browser, db, candidacy in
            let recent = SpanishDates.today(timeZone: "America/Mexico_City", now: Date().addingTimeInterval(-10 * 86_400))
            let (type, body) = Self.multipart(TestImages.jpeg(width: 600, height: 800), date: recent.description)
            let sent = try await browser.upload("/candidaturas/\(candidacy.id)/foto", contentType: type, body: body)
            #expect(sent.status == .seeOther)
            let queued = try await db.client.query("SELECT queue FROM jobs WHERE kind = 'photo.check'").collect().map { try $0.decode(String.self) }
            #expect(queued == ["photos"])
            #expect(try await browser.get("/candidaturas/\(candidacy.id)/foto").text.contains("la estamos revisando"))
            try await runChecks(db, try jalisco())
            let page = try await browser.get("/candidaturas/\(candidacy.id)/foto")
            #expect(page.text.contains("Su foto fue aceptada"))
            #expect(page.text.contains("\(recent.spanishDescription) (declarada por la persona)"))
            // The questionnaire now refers to the accepted photo, so completeness counts it.
            let stored = try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
                .curricular(for: candidacy.id)?.answers.photo
            let photo = try #require(try await PhotoRepository(client: db.client, logger: TestDatabase.logger).currentPhoto(candidacyID: candidacy.id))
            #expect(stored?.sha256 == photo.sha256 && stored?.takenOn == recent && stored?.takenOnSource == .declared)
            let overview = try await browser.get("/candidaturas/\(candidacy.id)").text
            #expect(overview.contains(#"href="/candidaturas/\#(candidacy.id)/foto""#))
            #expect(!overview.contains(#"<a href="/candidaturas/\#(candidacy.id)/foto">Fotografía</a>"#))
            let preview = try await browser.get("/candidaturas/\(candidacy.id)/foto/vista")
            #expect(preview.status == .ok && preview.headers[.contentType] == "image/jpeg")
            #expect(Array(preview.body.readableBytesView.prefix(2)) == [0xFF, 0xD8])
        }
    }

    @Test func refusalsAreExplainedInSpanish() async throws {
        try await withCandidate { browser, db, candidacy in
            let gif = Array("GIF89a".utf8) + [UInt8](repeating: 1, count: 100)
            let (type, body) = Self.multipart(gif, filename: "foto.gif")
            let refused = try await browser.upload("/candidaturas/\(candidacy.id)/foto", contentType: type, body: body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("no es una imagen JPEG ni PNG"))
            #expect(refused.text.contains(#"aria-describedby="foto-error""#))
            // Over the limit: refused before the body is read whole.
            let (bigType, big) = Self.multipart([UInt8](repeating: 0xFF, count: 400 * 1_024))
            let tooLarge = try await browser.upload("/candidaturas/\(candidacy.id)/foto", contentType: bigType, body: big)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.text.contains("supera el máximo permitido de 300 KB"))
            // A truncated JPEG passes the screening, then the check refuses it with the reason.
            let truncated = Array(TestImages.jpeg(width: 600, height: 800).prefix(3_000))
            let (t, b) = Self.multipart(truncated)
            #expect(try await browser.upload("/candidaturas/\(candidacy.id)/foto", contentType: t, body: b).status == .seeOther)
            try await runChecks(db, try jalisco())
            let page = try await browser.get("/candidaturas/\(candidacy.id)/foto")
            #expect(page.text.contains("La última foto que envió no se aceptó"))
            #expect(page.text.contains("está incompleta"))
            let future = Self.multipart(TestImages.jpeg(width: 600, height: 800), date: "2999-01-01")
            let dated = try await browser.upload("/candidaturas/\(candidacy.id)/foto", contentType: future.0, body: future.1)
            #expect(dated.status == .unprocessableContent && dated.text.contains("no sea futura"))
        }
    }

    @Test func onlyTheProfilesOwnersMayUploadOrSeeIt() async throws {
        try await withCandidate { browser, db, _ in
            let (type, body) = Self.multipart(TestImages.jpeg(width: 600, height: 800))
            // Another party's candidacy, and one that does not exist: the same 403, nothing of them shown.
            for id in ["FOTO-2", "NO-EXISTE"] {
                let refused = try await browser.upload("/candidaturas/\(id)/foto", contentType: type, body: body)
                #expect(refused.status == .forbidden)
                #expect(!refused.text.contains("Otra Persona Distinta"))
                #expect(try await browser.get("/candidaturas/\(id)/foto").status == .forbidden)
            }
            #expect(try await db.client.query("SELECT count(*) FROM photos").collect().first?.decode(Int.self) == 0)
            // Without the CSRF token the upload is refused.
            let noToken = try await browser.send("/candidaturas/FOTO-1/foto", method: .post, headers: [.contentType: type], body: body)
            #expect(noToken.status == .forbidden)
        }
    }
}
