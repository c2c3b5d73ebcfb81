import ConocelesCore
@testable import ConocelesWeb
import ConocelesJobs
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TestSupport

/// Issue 19: withdrawn (cancelled or substituted) candidacies stayed writable (and a first
/// identity save after withdrawal created a row that was not blocked); signed-consent
/// uploads had no count limit; bulk CSV capture and photo upload skipped the privacy-notice gate.
@Suite("What capture may write: withdrawn candidacies, the privacy notice, consent documents")
struct CaptureWriteGuardTests {
    static let independent: Candidacy = {
        var candidacy = WebFixtures.candidacy("IND-1", name: "Juan Independiente Pérez")
        candidacy.postulatingEntity = .independent(code: "CI-JUAN")
        return candidacy
    }()
    static let candidacies = [
        WebFixtures.candidacy("PAN-1", party: "PAN", name: "Ana Panista Uno"),
        WebFixtures.candidacy("PAN-2", party: "PAN", office: "DIP_MR", district: 5, name: "Beatriz Panista Dos"),
        independent,
    ]
    static let tables = [
        "curricular_questionnaires", "identity_questionnaires", "identity_consents", "privacy_notice_acceptances",
        "photos", "consent_documents", "modification_requests", "audit_log", "jobs",
    ]
    static let pdf = Array("%PDF-1.5\nFormato firmado\n%%EOF\n".utf8)

    /// The site with both representatives (PAN, CI-JUAN) signed in, in that order.
    func withSite(_ body: @Sendable @escaping (Browser, Browser, Database) async throws -> Void) async throws {
        try await SecuritySite.with(Self.candidacies) { browser, db async throws in
            try await WebFixtures.representativeAccount(db, party: "PAN")
            try await WebFixtures.activated(
                db,
                .representative(
                    username: "rep-juan", email: "juan@example.org", displayName: "Representación de Juan", processID: "jalisco-2024",
                    entity: .independent(code: "CI-JUAN")))
            let pan = browser, juan = Browser(browser.client)
            try #require(try await pan.signIn("rep-pan").status == .seeOther)
            try #require(try await juan.signIn("rep-juan").status == .seeOther)
            try await body(pan, juan, db)
        }
    }

    static func rows(_ db: Database) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables { counts[table] = try await SecuritySite.count(db, table) }
        return counts
    }

    static func photo() -> (String, ByteBuffer) {
        PhotoUploadTests.multipart(TestImages.jpeg(width: 600, height: 800))
    }

    static func csv(_ id: String) -> (String, ByteBuffer) {
        RepresentativeTests.multipart(
            [
                RepresentativeTests.csvRow(["Clave de la candidatura", "Revisión (no la cambie)", "Grado máximo de estudios"]),
                RepresentativeTests.csvRow([id, "0", "Maestría"]),
            ].joined(separator: "\r\n"))
    }

    @Test func aWithdrawnCandidacyIsReadOnlyOnEveryCapturePath() async throws {
        try await withSite { pan, juan, db async throws in
            // PAN-1 and IND-1 accepted the notice before; PAN-2 never did. None has answers yet.
            for id in ["PAN-1", "IND-1"] { try await WebFixtures.acceptNotice(db, id) }
            let candidacies = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
            try await candidacies.withdraw("PAN-1", as: .cancelled, by: .system("test"))
            try await candidacies.withdraw("PAN-2", as: .substituted, by: .system("test"))
            try await candidacies.withdraw("IND-1", as: .cancelled, by: .system("test"))
            let before = try await Self.rows(db)

            var writes: [(String, TestResponse)] = []
            for id in ["PAN-1", "PAN-2"] {
                writes.append(("aviso \(id)", try await pan.post("/candidaturas/\(id)/aviso", [("acepto", "si")])))
                writes.append(("curricular \(id)", try await pan.post("/candidaturas/\(id)/curricular", [("grado_maximo", "maestria")])))
                // A first identity save: no row existed, none may appear.
                writes.append(("identidad \(id)", try await pan.post("/candidaturas/\(id)/identidad", [("indigena", "no")])))
                // Consent is the candidate's own decision: the representative is refused before anything else.
                let consent = try await pan.post("/candidaturas/\(id)/consentimiento", [("decision", "otorgar")])
                #expect(consent.status == .forbidden, "consentimiento \(id): \(consent.status)")
                let (type, body) = Self.photo()
                writes.append(("foto \(id)", try await pan.upload("/candidaturas/\(id)/foto", contentType: type, body: body)))
                writes.append(("autorizar \(id)", try await pan.post("/candidaturas/\(id)/autorizar")))
                writes.append(("modificacion \(id)", try await pan.post("/candidaturas/\(id)/modificacion", [("motivo", "Cambio de cargo")])))
            }
            let (type, body) = ConsentDocumentTests.multipart(Self.pdf)
            writes.append(("consentimiento-expreso", try await juan.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: type, body: body)))
            for (what, response) in writes {
                #expect(response.status == .conflict, "\(what): \(response.status)")
                #expect(response.text.contains("Candidatura retirada") && response.text.contains("ya no se puede modificar"), "\(what)")
            }
            // The bulk upload refuses its row.
            let (csvType, csvBody) = Self.csv("PAN-1")
            let bulk = try await pan.upload("/candidaturas/carga", contentType: csvType, body: csvBody)
            #expect(bulk.text.contains("Rechazados: <strong>1</strong>") && bulk.text.contains("ya no está activa"))
            #expect(try await Self.rows(db) == before, "a withdrawn candidacy got new rows")
            // Reading is still possible.
            #expect(try await pan.get("/candidaturas/PAN-1").status == .ok)
            #expect(try await pan.get("/candidaturas/PAN-1/curricular").status == .ok)
            #expect(try await juan.get("/candidaturas/IND-1/consentimiento-expreso").status == .ok)
        }
    }

    @Test func photoUploadAndBulkCaptureWaitForThePrivacyNotice() async throws {
        try await withSite { pan, juan, db async throws in
            let before = try await Self.rows(db)
            let (type, body) = Self.photo()
            let photo = try await pan.upload("/candidaturas/PAN-1/foto", contentType: type, body: body)
            #expect(photo.status == .seeOther && photo.location == "/candidaturas/PAN-1/aviso")
            #expect(try await pan.get("/candidaturas/PAN-1/foto").location == "/candidaturas/PAN-1/aviso")
            let (pdfType, pdfBody) = ConsentDocumentTests.multipart(Self.pdf)
            let document = try await juan.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: pdfType, body: pdfBody)
            #expect(document.status == .seeOther && document.location == "/candidaturas/IND-1/aviso")
            let (csvType, csvBody) = Self.csv("PAN-1")
            let bulk = try await pan.upload("/candidaturas/carga", contentType: csvType, body: csvBody)
            #expect(bulk.status == .ok)
            #expect(bulk.text.contains("Rechazados: <strong>1</strong>") && bulk.text.contains("Aún no se acepta el aviso de privacidad"))
            #expect(try await Self.rows(db) == before, "something was stored before the notice was accepted")
            // Once accepted, the same uploads go through.
            #expect(try await pan.post("/candidaturas/PAN-1/aviso", [("acepto", "si")]).status == .seeOther)
            let saved = try await pan.upload("/candidaturas/carga", contentType: csvType, body: csvBody)
            #expect(saved.text.contains("Guardados como borrador: <strong>1</strong>"))
            let (type2, body2) = Self.photo()
            #expect(try await pan.upload("/candidaturas/PAN-1/foto", contentType: type2, body: body2).location == "/candidaturas/PAN-1/foto")
            #expect(try await SecuritySite.count(db, "photos", where: "candidacy_id = 'PAN-1'") == 1)
        }
    }

    @Test func aCandidacyKeepsAtMostFiveConsentDocuments() async throws {
        try await withSite { _, juan, db async throws in
            try await WebFixtures.acceptNotice(db, "IND-1")
            for _ in 0..<5 {
                let (type, body) = ConsentDocumentTests.multipart(Self.pdf)
                #expect(try await juan.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: type, body: body).status == .seeOther)
            }
            let (type, body) = ConsentDocumentTests.multipart(Self.pdf)
            let sixth = try await juan.upload("/candidaturas/IND-1/consentimiento-expreso", contentType: type, body: body)
            #expect(sixth.status == .unprocessableContent)
            #expect(sixth.text.contains("ya tiene 5 documentos de consentimiento guardados, el máximo"))
            #expect(try await SecuritySite.count(db, "consent_documents", where: "candidacy_id = 'IND-1'") == 5)
        }
    }
}
