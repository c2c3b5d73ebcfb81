import ConocelesConfig
import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import JobQueue
import NIOCore
import Storage
import Testing
import TestSupport

/// The photo's rules, one setting each: the size limit (`photo.max_bytes`) judged alike by
/// the upload, the photo check (`conoceles photo check` and the `photo.check` job),
/// completeness and the pages; the age rule checked again when staff verify and publish.
@Suite("Photo rules: one size limit, age checked again by staff")
struct PhotoRulesTests {
    /// The deployment's configuration and process as `Runtime` loads them (the repository's
    /// `config/`, test secrets).
    static func deployment() async throws -> (AppConfiguration, ElectionProcess) {
        let environment = [
            "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            "CONOCELES_PATHS_CONFIG": "\(repositoryRoot)/config",
        ]
        let configuration = try await AppConfiguration.load(file: "\(repositoryRoot)/config/conoceles.yaml", environment: environment)
        return (configuration, try ProcessLoader.load(configuration: configuration).0)
    }

    /// A real JPEG of exactly `size` bytes: a small portrait padded with comment (COM) segments.
    static func jpeg(bytes size: Int) -> [UInt8] {
        let image = TestImages.jpeg(width: 600, height: 800)
        var padding: [UInt8] = []
        var remaining = size - image.count
        precondition(remaining >= 4, "the portrait is larger than \(size) bytes")
        while remaining > 0 {
            var segment = min(remaining, 65_537)
            if (1...3).contains(remaining - segment) { segment -= 4 }
            let length = segment - 2
            padding += [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + [UInt8](repeating: 0x20, count: length - 2)
            remaining -= segment
        }
        return Array(image.prefix(2)) + padding + image.dropFirst(2)
    }

    @Test func thePhotoAtTheLimitPassesEveryPathAndOneByteMoreIsRefusedEverywhereWithOneMessage() async throws {
        let (configuration, process) = try await Self.deployment()
        let limit = configuration.photo.maxBytes
        #expect(limit == 716_800, "config/conoceles.yaml: photo.max_bytes, 700 KB of 1,024 bytes")
        #expect(process.rules.photoMaximumBytes == limit, "completeness reads the same setting")
        let policy = PhotoPolicy(configuration.photo, rules: process.rules)
        let refusal = process.rules.photoTooLargeMessage(bytes: limit + 1)
        #expect(refusal.contains("el máximo permitido es 700 KB"))

        try await TestDatabase.with { db async throws in
            let mine = WebFixtures.candidacy("FOTO-LIMITE", party: "PAN")
            try await WebFixtures.seed(db, process, [mine])
            try await WebFixtures.candidateAccount(db, for: mine, username: "cand-limite")
            try await WebFixtures.acceptNotice(db, mine.id)  // every capture path waits for the privacy notice
            // The site as `conoceles serve` builds it (`ServeCommand.webContext`).
            let context = {
                var context = testContext(db, process)
                context.photoPolicy = policy
                return context
            }()
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("cand-limite")
                #expect(try await browser.get("/candidaturas/FOTO-LIMITE/foto").text.contains("de hasta 700 KB"))
                for (size, accepted) in [(limit - 1, true), (limit, true), (limit + 1, false)] {
                    let file = Self.jpeg(bytes: size)
                    #expect(file.count == size)
                    // The screening of the upload, of the `photo.check` job and of `conoceles photo check`.
                    var screened: String?
                    do { _ = try PhotoChecker.screen(file, policy: policy) } catch let refusal as PhotoRefusal { screened = refusal.message }
                    #expect(screened == (accepted ? nil : refusal), "photo check, \(size) bytes")
                    // Completeness of a questionnaire holding a photo of this size.
                    var answers = CurricularQuestionnaire()
                    answers.photo = PhotoReference(
                        sha256: String(repeating: "ab", count: 32), byteCount: size, format: .jpeg,
                        takenOn: context.photoReferenceDate(), takenOnSource: .exif)
                    let issues = answers.completeness(
                        rules: process.rules, registeredUnderAffirmativeAction: false,
                        photoReferenceDate: context.photoReferenceDate()
                    )
                    .issues(for: CurricularQuestionnaire.Field.photo.id).map(\.message)
                    #expect(issues == (accepted ? [] : [refusal]), "completeness, \(size) bytes")
                    // The upload over HTTP.
                    let (type, body) = PhotoUploadTests.multipart(file)
                    let sent = try await browser.upload("/candidaturas/FOTO-LIMITE/foto", contentType: type, body: body)
                    #expect(sent.status == (accepted ? .seeOther : .unprocessableContent), "upload, \(size) bytes")
                    if !accepted { #expect(sent.text.contains(refusal), "upload, \(size) bytes") }
                }
            }
        }
    }

    @Test func staffCannotVerifyOrPublishAPhotoTooOldOnTheirDayAndSeeItsDate() async throws {
        let old = WebFixtures.candidacy("FOTO-VIEJA", party: "PAN", name: "Foto Antigua Pérez")
        try await PublicationTests().withSite([old]) { browser, db, process in
            let context = testContext(db, process)
            let today = context.photoReferenceDate()
            var answers = StaffTests.curricular()
            answers.photo = PhotoReference(
                sha256: String(repeating: "cd", count: 32), byteCount: 300_000, format: .jpeg,
                takenOn: today.addingMonths(-4), takenOnSource: .declared)
            try await StaffTests.authorize(db, old.id, answers)
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await browser.signIn("ana.staff")
            let page = try await browser.get("/instancia/candidaturas/FOTO-VIEJA").text
            #expect(page.contains("tomada el \(today.addingMonths(-4).spanishDescription) (declarada por la persona)"))
            let refused = try await browser.post("/instancia/candidaturas/FOTO-VIEJA/verificar", [("publicar", "si")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("no cumple la regla de antigüedad a la fecha de hoy"))
            #expect(try await StaffTests.state(db, old.id) == .authorized)

            // Verified on an earlier day (the transition alone); published today, the photo is too old.
            try await StaffTests.workflows(db).apply(.verify, to: old.id, by: StaffTests.staff)
            let publish = try await browser.post("/instancia/candidaturas/FOTO-VIEJA/publicar")
            #expect(publish.status == .unprocessableContent)
            #expect(try await StaffTests.state(db, old.id) == .verified)
        }
    }
}
