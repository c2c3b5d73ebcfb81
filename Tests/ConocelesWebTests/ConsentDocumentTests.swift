import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TestSupport

@Suite("Express consent of independent candidacies")
struct ConsentDocumentTests {
    static let pdf = Array("%PDF-1.5\nFormato firmado por Juan <script>alert(1)</script>\n%%EOF\n".utf8)

    func withSite(_ body: @Sendable @escaping (Browser, Browser, Database) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            var independent = WebFixtures.candidacy("IND-1", name: "Juan Independiente <b>Pérez</b>")
            independent.postulatingEntity = .independent(code: "CI-JUAN")
            try await WebFixtures.seed(db, process, [independent, WebFixtures.candidacy("PAN-1")])
            try await WebFixtures.acceptNotice(db, independent.id)  // every capture path waits for it
            try await WebFixtures.activated(
                db,
                .representative(
                    username: "rep-juan", email: "juan@example.org", displayName: "Representación de Juan", processID: process.id,
                    entity: .independent(code: "CI-JUAN")))
            try await WebFixtures.representativeAccount(db, party: "PAN")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                let representative = Browser(client), staff = Browser(client)
                try await representative.signIn("rep-juan")
                try await staff.signIn("ana.staff")
                try await body(representative, staff, db)
            }
        }
    }

    static func multipart(_ file: [UInt8]) -> (String, ByteBuffer) {
        let boundary = "----formato\(UInt32.random(in: 0 ... .max))"
        var body = ByteBuffer()
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"documento\"; filename=\"formato.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    @Test func theSignedFormatIsUploadedAndStaffReceiveIt() async throws {
        try await withSite { representative, staff, db in
            let format = try await representative.get("/candidaturas/IND-1/consentimiento-expreso")
            #expect(format.status == .ok)
            #expect(format.text.contains("Formato de consentimiento expreso"))
            #expect(format.text.contains("Juan Independiente &lt;b&gt;Pérez&lt;/b&gt;"))
            let (type, body) = Self.multipart(Self.pdf)
            #expect(try await representative.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: type, body: body).status == .seeOther)
            #expect(try await representative.get("/candidaturas/IND-1/consentimiento-expreso").text.contains("En revisión"))

            let queue = try await staff.get("/instancia/consentimientos")
            #expect(queue.text.contains("IND-1"))
            let found = try #require(queue.text.range(of: "/instancia/consentimientos/[0-9a-f-]{36}/documento", options: .regularExpression))
            let id = String(queue.text[found].dropFirst("/instancia/consentimientos/".count).prefix(36))
            let download = try await staff.get("/instancia/consentimientos/\(id)/documento.pdf")
            #expect(download.status == .ok && Array(download.body.readableBytesView) == Self.pdf)
            #expect(download.headers[.contentType] == "application/pdf")
            // The representative may not open the staff's copy or review it.
            #expect(try await representative.get("/instancia/consentimientos/\(id)/documento.pdf").status == .forbidden)
            #expect(try await representative.post("/instancia/consentimientos/\(id)/recibir", [("publicar", "si")]).status == .forbidden)
            #expect(try await staff.post("/instancia/consentimientos/\(id)/recibir", []).status == .unprocessableContent)
            #expect(try await staff.post("/instancia/consentimientos/\(id)/recibir", [("publicar", "si")]).status == .seeOther)
            #expect(try await staff.post("/instancia/consentimientos/\(id)/recibir", [("publicar", "no")]).status == .conflict)
            let consent = try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger).consent(for: "IND-1")
            #expect(consent.isGranted)
            #expect(try await representative.get("/candidaturas/IND-1/consentimiento-expreso").text.contains("Recibido (autoriza publicar)"))
        }
    }

    @Test func aRefusalCarriesObservationsBackToTheCandidacy() async throws {
        try await withSite { representative, staff, _ in
            let (type, body) = Self.multipart(Self.pdf)
            try await representative.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: type, body: body)
            let id = try await ConsentPublicationTests.pendingDocument(staff)
            #expect(try await staff.post("/instancia/consentimientos/\(id)/rechazar", [("observaciones", " ")]).status == .unprocessableContent)
            #expect(
                try await staff.post("/instancia/consentimientos/\(id)/rechazar", [("observaciones", "Falta la firma <i>autógrafa</i>")]).status == .seeOther)
            let page = try await representative.get("/candidaturas/IND-1/consentimiento-expreso").text
            #expect(page.contains("No aceptado") && page.contains("Falta la firma &lt;i&gt;autógrafa&lt;/i&gt;"))
        }
    }

    @Test func wrongFilesAndOtherRecordsAreRefused() async throws {
        try await withSite { representative, _, db in
            let (type, body) = Self.multipart(Array("no es un pdf".utf8))
            let refused = try await representative.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: type, body: body)
            #expect(refused.status == .unprocessableContent && refused.text.contains("no es un PDF"))
            // A party's candidacy: not the independent's (403); a party has no express-consent format (404).
            #expect(try await representative.get("/candidaturas/PAN-1/consentimiento-expreso").status == .forbidden)
            let pan = Browser(representative.client)
            try await pan.signIn("rep-pan")
            #expect(try await pan.get("/candidaturas/PAN-1/consentimiento-expreso").status == .notFound)
            #expect(try await pan.get("/candidaturas/IND-1/consentimiento-expreso").status == .forbidden)
            #expect(try await pan.get("/instancia/consentimientos").status == .forbidden)
            #expect(try await db.client.query("SELECT count(*) FROM consent_documents").collect().first?.decode(Int.self) == 0)
        }
    }
}
