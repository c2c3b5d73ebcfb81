import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TestSupport

@Suite("Representative area: candidacies, authorization, modification requests, bulk CSV capture")
struct RepresentativeTests {
    static let priName = "Rogelio Priísta Ramírez"

    /// PAN: a governor's candidacy, a district's and a municipality's; PRI: one candidacy.
    static let candidacies = [
        WebFixtures.candidacy("PAN-1", party: "PAN", office: "GUB", name: "Ana Panista Uno"),
        WebFixtures.candidacy("PAN-2", party: "PAN", office: "DIP_MR", district: 5, name: "Beatriz Panista Dos"),
        WebFixtures.candidacy("PAN-3", party: "PAN", office: "PM", municipality: "039", name: "Carla Panista Tres"),
        WebFixtures.candidacy("PRI-1", party: "PRI", office: "GUB", name: priName),
    ]

    func withSite(
        _ candidacies: [Candidacy] = Self.candidacies,
        _ body: @Sendable @escaping (Browser, Database) async throws -> Void
    ) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            _ = try await WebFixtures.representativeAccount(db, party: "PAN")
            _ = try await WebFixtures.representativeAccount(db, party: "PRI")
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(Browser(client), db) }
        }
    }

    static let system = ProfileActor.system("test")
    static let staff = ProfileActor(role: .staff, id: "staff-test")

    /// Moves the profile of `id` to complete (as the completeness check would).
    static func complete(_ db: Database, _ id: String) async throws {
        let workflows = ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger)
        try await workflows.apply(.startCapture, to: id, by: ProfileActor(role: .candidate, id: "cand"))
        try await workflows.apply(.markComplete, to: id, by: system, completeness: CompletenessReport())
    }

    /// Moves the profile of `id` to published.
    static func publish(_ db: Database, _ id: String) async throws {
        try await complete(db, id)
        let workflows = ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger)
        try await workflows.apply(.authorize, to: id, by: ProfileActor(role: .representative, id: "rep"))
        try await workflows.apply(.verify, to: id, by: staff)
        try await workflows.apply(.publish, to: id, by: staff)
    }

    static func state(_ db: Database, _ id: String) async throws -> ProfileState {
        try await ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger).workflow(for: id).state
    }

    static func curricular(_ db: Database, _ id: String) async throws -> StoredCurricular? {
        try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger).curricular(for: id)
    }

    // MARK: List

    @Test func theListShowsOnlyTheEntitysCandidacies() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PAN-1")
            try await browser.signIn("rep-pan")
            let page = try await browser.get("/candidaturas")
            #expect(page.status == .ok)
            for name in ["Ana Panista Uno", "Beatriz Panista Dos", "Carla Panista Tres"] { #expect(page.text.contains(name)) }
            #expect(!page.text.contains(Self.priName) && !page.text.contains("PRI-1"))
            #expect(page.text.contains("Gubernatura") && page.text.contains("Distrito 5") && page.text.contains("Municipio 039"))
            #expect(page.text.contains("href=\"/candidaturas/PAN-1\""))
            // Counts by state on top, and the state's Spanish label per row.
            #expect(page.text.contains("Completo: <strong>1</strong>"))
            #expect(page.text.contains("Pendiente: <strong>2</strong>"))
            // Only the complete profile offers authorization.
            #expect(page.text.contains("value=\"PAN-1\""))
            #expect(!page.text.contains("value=\"PAN-2\""))

            let other = Browser(browser.client)
            try await other.signIn("rep-pri")
            let priPage = try await other.get("/candidaturas")
            #expect(priPage.text.contains(Self.priName))
            #expect(!priPage.text.contains("Ana Panista Uno"))
        }
    }

    @Test func filtersNarrowTheList() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PAN-3")
            try await browser.signIn("rep-pan")
            let byOffice = try await browser.get("/candidaturas?cargo=DIP_MR").text
            #expect(byOffice.contains("Beatriz Panista Dos") && !byOffice.contains("Ana Panista Uno") && !byOffice.contains("Carla Panista Tres"))
            #expect(byOffice.contains("<option value=\"DIP_MR\" selected>"))
            let byMunicipality = try await browser.get("/candidaturas?municipio=039").text
            #expect(byMunicipality.contains("Carla Panista Tres") && !byMunicipality.contains("Beatriz Panista Dos"))
            let byDistrict = try await browser.get("/candidaturas?distrito=5").text
            #expect(byDistrict.contains("Beatriz Panista Dos") && !byDistrict.contains("Carla Panista Tres"))
            let byState = try await browser.get("/candidaturas?estado=completo").text
            #expect(byState.contains("Carla Panista Tres") && !byState.contains("Ana Panista Uno"))
            let none = try await browser.get("/candidaturas?cargo=DIP_MR&estado=completo").text
            #expect(none.contains("Ninguna candidatura coincide."))
            // A value that is not a filter is ignored, not an error.
            let junk = try await browser.get("/candidaturas?cargo=%3Cscript%3E&distrito=abc")
            #expect(junk.status == .ok && junk.text.contains("Ana Panista Uno") && !junk.text.contains("<script>"))
        }
    }

    @Test func theListPagesBeyondAHundred() async throws {
        let many = (1...105).map {
            WebFixtures.candidacy(
                String(format: "PAN-R%03d", $0), party: "PAN", office: "REG", municipality: "039",
                name: String(format: "Regidora %03d", $0))
        }
        try await withSite(many) { browser, _ in
            try await browser.signIn("rep-pan")
            let first = try await browser.get("/candidaturas").text
            #expect(first.contains("Candidaturas 1 a 100 de 105."))
            #expect(first.contains("Página 1 de 2") && first.contains("href=\"/candidaturas?pagina=2\""))
            #expect(!first.contains("PAN-R101"))
            let second = try await browser.get("/candidaturas?pagina=2").text
            #expect(second.contains("Candidaturas 101 a 105 de 105."))
            #expect(!second.contains("/candidaturas/PAN-R001\"") && second.contains("href=\"/candidaturas/PAN-R105\""))
        }
    }

    // MARK: Authorization

    @Test func authorizingACompleteProfileChangesItsState() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PAN-1")
            try await browser.signIn("rep-pan")
            let response = try await browser.post("/candidaturas/PAN-1/autorizar")
            #expect(response.status == .ok)
            #expect(response.text.contains("1 autorizada."))
            #expect(try await Self.state(db, "PAN-1") == .authorized)
            let workflow = try await ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger).workflow(for: "PAN-1")
            #expect(workflow.history.last?.actor.role == .representative)
        }
    }

    @Test func anIncompleteProfileIsRefusedWithAReason() async throws {
        try await withSite { browser, db in
            try await browser.signIn("rep-pan")
            let response = try await browser.post("/candidaturas/PAN-2/autorizar")
            #expect(response.status == .conflict)
            #expect(response.text.contains("0 autorizadas; 1 no se pudo autorizar:"))
            #expect(response.text.contains("El perfil no está completo (estado «Pendiente»); solo se autorizan perfiles completos."))
            #expect(try await Self.state(db, "PAN-2") == .pending)
        }
    }

    @Test func anotherEntitysCandidacyCannotBeAuthorized() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PRI-1")
            try await browser.signIn("rep-pan")
            for uri in ["/candidaturas/PRI-1/autorizar", "/candidaturas/NO-EXISTE/autorizar"] {
                let response = try await browser.post(uri)
                #expect(response.status == .forbidden)
                #expect(!response.text.contains(Self.priName))
            }
            #expect(try await Self.state(db, "PRI-1") == .complete)
        }
    }

    @Test func bulkAuthorizationRefusesForeignIdsAndGoesOnWithTheRest() async throws {
        try await withSite { browser, db in
            for id in ["PAN-1", "PAN-3", "PRI-1"] { try await Self.complete(db, id) }
            try await browser.signIn("rep-pan")
            let response = try await browser.post(
                "/candidaturas/autorizar",
                [
                    ("ids[]", "PAN-1"), ("ids[]", "PRI-1"), ("ids[]", "PAN-2"), ("ids[]", "PAN-3"),
                ])
            #expect(response.status == .ok)
            #expect(response.text.contains("2 autorizadas; 2 no se pudieron autorizar:"))
            #expect(response.text.contains("1 candidatura no corresponde a su representación o no existe."))
            #expect(response.text.contains("Beatriz Panista Dos (Diputación local de mayoría relativa): El perfil no está completo"))
            #expect(!response.text.contains(Self.priName) && !response.text.contains("PRI-1"))
            #expect(try await Self.state(db, "PAN-1") == .authorized)
            #expect(try await Self.state(db, "PAN-3") == .authorized)
            #expect(try await Self.state(db, "PAN-2") == .pending)
            #expect(try await Self.state(db, "PRI-1") == .complete)
            let empty = try await browser.post("/candidaturas/autorizar", [])
            #expect(empty.status == .unprocessableContent && empty.text.contains("No eligió ninguna candidatura."))
        }
    }

    // MARK: Modification requests

    @Test func aModificationIsRequestedWithAReason() async throws {
        try await withSite { browser, db in
            try await Self.publish(db, "PAN-1")
            try await browser.signIn("rep-pan")
            let form = try await browser.get("/candidaturas/PAN-1/modificacion")
            #expect(form.status == .ok && form.text.contains("name=\"motivo\"") && form.text.contains("Publicado"))
            let empty = try await browser.post("/candidaturas/PAN-1/modificacion", [("motivo", "   ")])
            #expect(empty.status == .unprocessableContent && empty.text.contains("Escriba el motivo de la modificación."))
            #expect(empty.text.contains("aria-invalid=\"true\""))
            let long = try await browser.post("/candidaturas/PAN-1/modificacion", [("motivo", String(repeating: "a", count: 1_001))])
            #expect(long.status == .unprocessableContent && long.text.contains("El motivo es demasiado largo. Sobra 1 carácter"))
            #expect(try await Self.state(db, "PAN-1") == .published)

            let payload = "Cambió su propuesta <script>alert(1)</script>"
            let sent = try await browser.post("/candidaturas/PAN-1/modificacion", [("motivo", payload)])
            #expect(sent.status == .ok)
            #expect(sent.text.contains("Se envió la solicitud de modificación"))
            #expect(sent.text.contains("Pendiente de revisión"))
            #expect(sent.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !sent.text.contains("<script>alert(1)"))
            #expect(!sent.text.contains("name=\"motivo\""), "no second request while one is pending")
            #expect(try await Self.state(db, "PAN-1") == .modificationRequested)
            let requests = try await ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger).modificationRequests(for: "PAN-1")
            #expect(requests.count == 1 && requests.first?.reason == payload && requests.first?.status == .pending)
        }
    }

    @Test func aModificationIsRefusedBeforePublicationAndForAnotherEntity() async throws {
        try await withSite { browser, db in
            try await Self.publish(db, "PRI-1")
            try await browser.signIn("rep-pan")
            let unpublished = try await browser.get("/candidaturas/PAN-2/modificacion")
            #expect(unpublished.text.contains("Solo se puede solicitar la modificación de un perfil publicado"))
            #expect(!unpublished.text.contains("name=\"motivo\""))
            let refused = try await browser.post("/candidaturas/PAN-2/modificacion", [("motivo", "Actualizar la propuesta")])
            #expect(refused.status == .conflict)
            #expect(try await Self.state(db, "PAN-2") == .pending)
            for response in [
                try await browser.get("/candidaturas/PRI-1/modificacion"),
                try await browser.post("/candidaturas/PRI-1/modificacion", [("motivo", "Otra")]),
            ] {
                #expect(response.status == .forbidden)
                #expect(!response.text.contains(Self.priName))
            }
            #expect(try await Self.state(db, "PRI-1") == .published)
        }
    }

    // MARK: CSV

    @Test func theTemplateHasABOMSpanishHeadersAndOnlyTheEntitysCandidacies() async throws {
        // The capture portal's `GET /candidaturas/{id}` is on the same router: `{id}` must not shadow the template.
        try await withSite { browser, db in
            var draft = CurricularQuestionnaire()
            draft.professionalHistory = "=HYPERLINK(\"http://example.com\")"
            draft.maximumDegree = "licenciatura"
            draft.contact.emails = ["uno@example.org", "dos@example.org"]
            try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
                .saveCurricular(draft, for: "PAN-1", by: .system("test"))
            try await browser.signIn("rep-pan")
            let response = try await browser.get("/candidaturas/plantilla.csv")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let text = response.text
            #expect(text.contains("\"Clave de la candidatura\",\"Nombre\",\"Cargo\",\"Revisión (no la cambie)\",\"Grado máximo de estudios\""))
            #expect(text.contains("\"Historia profesional y/o laboral\""))
            #expect(text.contains("\"PAN-1\",\"Ana Panista Uno\",\"Gubernatura\",\"1\",\"Licenciatura\""))
            #expect(text.contains("\"PAN-2\",\"Beatriz Panista Dos\",\"Diputación local de mayoría relativa\",\"0\""))
            #expect(text.contains("\"uno@example.org\ndos@example.org\""))
            // A formula is kept as text, never run by the spreadsheet.
            #expect(text.contains("\"'=HYPERLINK(\"\"http://example.com\"\")\""))
            #expect(text.contains("PAN-2") && text.contains("PAN-3"))
            #expect(!text.contains("PRI-1") && !text.contains(Self.priName))
            // The constant path wins over `{id}`, which still serves the candidacy's own page.
            #expect(try await browser.get("/candidaturas/PAN-1").text.contains("Ana Panista Uno"))
        }
    }

    /// A multipart body with one CSV file.
    static func multipart(_ csv: String, boundary: String = "----conoceles-prueba") -> (String, ByteBuffer) {
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"archivo\"; filename=\"carga.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            + csv + "\r\n--\(boundary)--\r\n"
        return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(string: body))
    }

    static func csvRow(_ cells: [String]) -> String {
        cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
    }

    static func text(_ count: Int) -> String {
        String(repeating: "Propuesta ", count: count / 9 + 1)
    }

    @Test func uploadSavesGoodRowsAndReportsTheOthers() async throws {
        try await withSite { browser, db in
            try await WebFixtures.acceptNotice(db, "PAN-1")  // a row saves only after its candidacy's privacy notice
            try await browser.signIn("rep-pan")
            let header = Self.csvRow([
                "Clave de la candidatura", "Nombre", "Revisión (no la cambie)", "Grado máximo de estudios",
                "Estatus del grado máximo de estudios", "Historia profesional y/o laboral",
                "Correos electrónicos públicos (uno por renglón)",
                "Manifestación de autorización para la publicación de la información (Sí/No)",
            ])
            let good = Self.csvRow(["PAN-1", "ignorado", "0", "Maestría", "En curso", Self.text(300), "a@example.org\nb@example.org", "Sí"])
            let bad = Self.csvRow(["PAN-2", "", "0", "Licenciatura", "", String(repeating: "x", count: 5_001), "no-es-correo", "<script>alert(1)</script>"])
            let foreign = Self.csvRow(["PRI-1", "", "0", "Primaria", "Trunco", Self.text(300), "", "Sí"])
            let (type, body) = Self.multipart([header, good, bad, foreign].joined(separator: "\r\n"))
            let response = try await browser.upload("/candidaturas/carga", contentType: type, body: body)
            #expect(response.status == .ok)
            let page = response.text
            #expect(page.contains("Renglones leídos: <strong>3</strong>"))
            #expect(page.contains("Guardados como borrador: <strong>1</strong>"))
            #expect(page.contains("Con errores (no se guardaron): <strong>1</strong>"))
            #expect(page.contains("Rechazados: <strong>1</strong>"))
            // Row 2 saved as a draft, the profile now in capture.
            let saved = try #require(try await Self.curricular(db, "PAN-1"))
            #expect(saved.answers.maximumDegree == "maestria" && saved.answers.degreeStatus == "en_curso")
            #expect(saved.answers.contact.emails == ["a@example.org", "b@example.org"])
            #expect(saved.answers.publicationAuthorization == true)
            #expect(try await Self.state(db, "PAN-1") == .capturing)
            // Row 3: every field's message, nothing saved.
            #expect(page.contains("«Estatus del grado máximo de estudios»: Elija el estatus") == false, "missing answers do not fail a draft")
            #expect(page.contains("«Historia profesional y/o laboral»: Sobra 1 carácter (sin contar espacios) sobre el máximo de 5,000."))
            #expect(page.contains("«Correo electrónico público»:"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert(1)"))
            #expect(try await Self.curricular(db, "PAN-2") == nil)
            #expect(try await Self.state(db, "PAN-2") == .pending)
            // Row 4: refused, nothing of it shown or saved.
            #expect(page.contains("no corresponde a su representación"))
            #expect(!page.contains(Self.priName))
            #expect(try await Self.curricular(db, "PRI-1") == nil)
        }
    }

    @Test func anUnchangedTemplateChangesNothing() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PAN-3")
            var draft = CurricularQuestionnaire()
            draft.professionalHistory = "-Viñetas con «comillas» y \"dobles\",\nen dos renglones"
            draft.maximumDegree = "sin_estudios"
            draft.otherTraining = ["Diplomado, con coma", "@Taller"]
            draft.contact.phones = ["33 1234 5678"]
            draft.publicationAuthorization = false
            try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
                .saveCurricular(draft, for: "PAN-1", by: .system("test"))
            try await browser.signIn("rep-pan")
            let template = try await browser.get("/candidaturas/plantilla.csv").text
            let (type, body) = Self.multipart(template)
            let page = try await browser.upload("/candidaturas/carga", contentType: type, body: body).text
            #expect(page.contains("Sin cambios: <strong>3</strong>"))
            #expect(page.contains("Guardados como borrador: <strong>0</strong>"))
            #expect(try await Self.curricular(db, "PAN-1")?.revision == 1)
            #expect(try await Self.curricular(db, "PAN-2") == nil)
            // An unchanged row does not reopen a complete profile.
            #expect(try await Self.state(db, "PAN-3") == .complete)
        }
    }

    @Test func uploadProblemsAreReportedInSpanish() async throws {
        try await withSite { browser, _ in
            try await browser.signIn("rep-pan")
            let unknownColumn = Self.multipart(Self.csvRow(["Clave de la candidatura", "<script>alert(1)</script>"]) + "\r\n\"PAN-1\",\"x\"")
            let response = try await browser.upload("/candidaturas/carga", contentType: unknownColumn.0, body: unknownColumn.1)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("La columna «&lt;script&gt;alert(1)&lt;/script&gt;» no es de la plantilla."))
            #expect(!response.text.contains("<script>alert(1)"))
            let noID = Self.multipart(Self.csvRow(["Nombre"]) + "\r\n\"x\"")
            #expect(
                try await browser.upload("/candidaturas/carga", contentType: noID.0, body: noID.1).text
                    .contains("Falta la columna «Clave de la candidatura»."))
            // A file without the revision column (an older template) is refused whole: nothing can be checked for staleness.
            let noRevision = Self.multipart(Self.csvRow(["Clave de la candidatura", "Historia profesional y/o laboral"]) + "\r\n\"PAN-1\",\"x\"")
            let old = try await browser.upload("/candidaturas/carga", contentType: noRevision.0, body: noRevision.1)
            #expect(old.status == .unprocessableContent && old.text.contains("Falta la columna «Revisión (no la cambie)»"))
            let notMultipart = try await browser.upload("/candidaturas/carga", contentType: "text/csv", body: ByteBuffer(string: "a,b"))
            #expect(notMultipart.status == .badRequest && notMultipart.text.contains("multipart/form-data"))
            let tooLarge = ByteBuffer(repeating: UInt8(ascii: "a"), count: RepresentativeController.maximumUploadBytes + 1)
            let large = try await browser.upload("/candidaturas/carga", contentType: "multipart/form-data; boundary=x", body: tooLarge)
            #expect(large.status == .contentTooLarge && large.text.contains("El envío supera el límite de 5 MB."))
        }
    }

    @Test func namesWithMarkupComeBackEscapedOnEveryPage() async throws {
        let payload = "<script>alert(1)</script> Pérez"
        let candidacies = [WebFixtures.candidacy("PAN-X", party: "PAN", office: "GUB", name: payload)]
        try await withSite(candidacies) { browser, db in
            try await Self.complete(db, "PAN-X")
            try await browser.signIn("rep-pan")
            let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; Pérez"
            let list = try await browser.get("/candidaturas").text
            let authorized = try await browser.post("/candidaturas/autorizar", [("ids[]", "PAN-X")]).text
            let (type, body) = Self.multipart(
                Self.csvRow([
                    "Clave de la candidatura", "Revisión (no la cambie)",
                    "Correos electrónicos públicos (uno por renglón)",
                ])
                    + "\r\n\"PAN-X\",\"0\",\"malo\"")
            let report = try await browser.upload("/candidaturas/carga", contentType: type, body: body).text
            for page in [list, authorized, report] {
                #expect(page.contains(escaped))
                #expect(!page.contains("<script>alert(1)"))
            }
        }
    }

    @Test func aFileSavedAsPlainExcelCSVIsReadAsWindows1252() async throws {
        try await withSite { browser, db in
            try await WebFixtures.acceptNotice(db, "PAN-1")  // a row saves only after its candidacy's privacy notice
            try await browser.signIn("rep-pan")
            // Semicolons, CRLF and a comma in a cell: the separator comes from the header line.
            let csv =
                "Clave de la candidatura;Revisión (no la cambie);Grado máximo de estudios;Estatus del grado máximo de estudios;"
                + "Historia profesional y/o laboral\r\nPAN-1;0;Maestría;Cédula;Abogada, notaria y docente\r\n"
            let bytes = try #require(csv.data(using: .windowsCP1252))
            let boundary = "limite"
            var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"archivo\"; filename=\"a.csv\"\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n--\(boundary)--\r\n")
            let page = try await browser.upload("/candidaturas/carga", contentType: "multipart/form-data; boundary=\(boundary)", body: body).text
            #expect(page.contains("Guardados como borrador: <strong>1</strong>"))
            let saved = try #require(try await Self.curricular(db, "PAN-1"))
            #expect(saved.answers.maximumDegree == "maestria" && saved.answers.degreeStatus == "cedula")
            #expect(saved.answers.professionalHistory == "Abogada, notaria y docente")
        }
    }

    @Test func aStaleTemplateRowIsRefusedAndTheNewerAnswersSurvive() async throws {
        try await withSite { browser, db in
            for id in ["PAN-1", "PAN-2"] { try await WebFixtures.acceptNotice(db, id) }
            let questionnaires = QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
            var first = CurricularQuestionnaire()
            first.professionalHistory = "Día 1"
            try await questionnaires.saveCurricular(first, for: "PAN-1", by: .system("test"))
            try await browser.signIn("rep-pan")
            // Day 1: the representative downloads the template.
            let template = try await browser.get("/candidaturas/plantilla.csv").text
            // Day 2: the candidate captures more.
            var second = first
            second.professionalHistory = "Día 2, capturado por la candidata"
            second.firstProposal = "Propuesta del día 2"
            try await questionnaires.saveCurricular(second, for: "PAN-1", by: .system("test"))
            // Day 3: the representative uploads the old template with changes on both rows.
            let edited =
                template
                .replacingOccurrences(of: "\"Día 1\"", with: "\"Día 3, desde la plantilla vieja\"")
                .replacingOccurrences(
                    of: "\"PAN-2\",\"Beatriz Panista Dos\",\"Diputación local de mayoría relativa\",\"0\",\"\"",
                    with: "\"PAN-2\",\"Beatriz Panista Dos\",\"Diputación local de mayoría relativa\",\"0\",\"Maestría\"")
            #expect(edited.contains("Día 3") && edited.contains("\"0\",\"Maestría\""))
            let (type, body) = Self.multipart(edited)
            let page = try await browser.upload("/candidaturas/carga", contentType: type, body: body).text
            #expect(page.contains("Guardados como borrador: <strong>1</strong>"))
            #expect(page.contains("Sin cambios: <strong>1</strong>"))
            #expect(page.contains("Rechazados: <strong>1</strong>"))
            #expect(page.contains("cambió después de que se descargó la plantilla (revisión 1, ahora 2); no se sobrescribió."))
            // PAN-1 keeps day 2's answers; PAN-2 (unchanged since the download) took the file's.
            let kept = try #require(try await Self.curricular(db, "PAN-1"))
            #expect(kept.revision == 2 && kept.answers.professionalHistory == "Día 2, capturado por la candidata")
            #expect(kept.answers.firstProposal == "Propuesta del día 2")
            #expect(try await Self.curricular(db, "PAN-2")?.answers.maximumDegree == "maestria")
            // The storage refuses a stale save on its own too (compare and set under the row lock).
            await #expect(throws: StorageError.self) {
                try await questionnaires.saveCurricular(first, for: "PAN-1", by: .system("test"), expectedRevision: 1)
            }
        }
    }

    @Test func anEmptyCellChangesNothingAndBORRARErases() async throws {
        try await withSite { browser, db in
            try await WebFixtures.acceptNotice(db, "PAN-1")
            var draft = CurricularQuestionnaire()
            draft.professionalHistory = "Historia que se queda"
            draft.firstProposal = "Propuesta que se borra"
            draft.contact.emails = ["a@example.org"]
            try await QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
                .saveCurricular(draft, for: "PAN-1", by: .system("test"))
            try await browser.signIn("rep-pan")
            let header = Self.csvRow([
                "Clave de la candidatura", "Revisión (no la cambie)", "Historia profesional y/o laboral",
                "Primera propuesta", "Correos electrónicos públicos (uno por renglón)", "Página web",
            ])
            let row = Self.csvRow(["PAN-1", "1", "", "borrar", "", "https://ejemplo.mx"])
            let (type, body) = Self.multipart(header + "\r\n" + row)
            let page = try await browser.upload("/candidaturas/carga", contentType: type, body: body).text
            #expect(page.contains("Guardados como borrador: <strong>1</strong>"), "\(page)")
            let saved = try #require(try await Self.curricular(db, "PAN-1"))
            #expect(saved.answers.professionalHistory == "Historia que se queda")
            #expect(saved.answers.contact.emails == ["a@example.org"])
            #expect(saved.answers.firstProposal == "")
            #expect(saved.answers.contact.webPage == "https://ejemplo.mx")
        }
    }

    @Test func aFileWithAStrayQuoteOrANULSaysWhereAndSavesNothingOfThatRow() async throws {
        try await withSite { browser, db in
            try await WebFixtures.acceptNotice(db, "PAN-1")
            try await WebFixtures.acceptNotice(db, "PAN-2")
            try await browser.signIn("rep-pan")
            let header = Self.csvRow(["Clave de la candidatura", "Revisión (no la cambie)", "Historia profesional y/o laboral"])
            let stray = Self.multipart(header + "\r\n\"PAN-1\",\"0\",\"bien\"\r\n\"PAN-2\",\"0\",\"sin cerrar\r\n\"PAN-3\",\"0\",\"x\"\r\n")
            let refused = try await browser.upload("/candidaturas/carga", contentType: stray.0, body: stray.1)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("comillas sin cerrar o mal cerradas en el renglón 3"))
            #expect(try await Self.curricular(db, "PAN-1") == nil)
            let nul = Self.multipart(header + "\r\n\"PAN-1\",\"0\",\"bien\"\r\n\"PAN-2\",\"0\",\"ma\u{0}l\"\r\n")
            let page = try await browser.upload("/candidaturas/carga", contentType: nul.0, body: nul.1).text
            #expect(page.contains("Guardados como borrador: <strong>1</strong>") && page.contains("Rechazados: <strong>1</strong>"))
            #expect(page.contains("El renglón 3 tiene un carácter nulo (NUL)"))
            #expect(try await Self.curricular(db, "PAN-1")?.answers.professionalHistory == "bien")
            #expect(try await Self.curricular(db, "PAN-2") == nil)
        }
    }

    // MARK: Refusals

    @Test func postsWithoutTheCSRFTokenAreRefused() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PAN-1")
            try await Self.publish(db, "PAN-3")
            try await browser.signIn("rep-pan")
            #expect(try await browser.post("/candidaturas/PAN-1/autorizar", csrf: false).status == .forbidden)
            #expect(try await browser.post("/candidaturas/autorizar", [("ids[]", "PAN-1")], csrf: false).status == .forbidden)
            #expect(try await browser.post("/candidaturas/PAN-3/modificacion", [("motivo", "Cambio")], csrf: false).status == .forbidden)
            let (type, body) = Self.multipart(Self.csvRow(["Clave de la candidatura", "Historia profesional y/o laboral"]) + "\r\n\"PAN-2\",\"hola\"")
            var headers = HTTPFields()
            headers[.contentType] = type
            let upload = try await browser.send("/candidaturas/carga", method: .post, headers: headers, body: body)
            #expect(upload.status == .forbidden)
            #expect(try await Self.state(db, "PAN-1") == .complete)
            #expect(try await Self.state(db, "PAN-3") == .published)
            #expect(try await Self.curricular(db, "PAN-2") == nil)
        }
    }

    @Test func otherRolesAreRefused() async throws {
        try await withSite { browser, db in
            try await Self.complete(db, "PAN-1")
            _ = try await WebFixtures.candidateAccount(db, for: Self.candidacies[0], username: "cand-pan-1")
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff)
            _ = try await WebFixtures.staffAccount(db, .itStaff)
            _ = try await WebFixtures.staffAccount(db, .genderEqualityStaff)
            let anonymous = try await browser.get("/candidaturas")
            #expect(anonymous.status == .seeOther && anonymous.location == "/entrar?siguiente=/candidaturas")
            for username in ["cand-pan-1", "staff-instancia-interna", "staff-informatica", "staff-igualdad-genero"] {
                let other = Browser(browser.client)
                try await other.signIn(username)
                for uri in ["/candidaturas", "/candidaturas/plantilla.csv", "/candidaturas/carga", "/candidaturas/PAN-1/modificacion"] {
                    let response = try await other.get(uri)
                    #expect(response.status == .forbidden, "\(username) \(uri)")
                    #expect(!response.text.contains("Beatriz Panista Dos") && !response.text.contains("Gubernatura"))
                }
                #expect(try await other.post("/candidaturas/PAN-1/autorizar").status == .forbidden)
                #expect(try await other.post("/candidaturas/autorizar", [("ids[]", "PAN-1")]).status == .forbidden)
            }
            #expect(try await Self.state(db, "PAN-1") == .complete)
        }
    }
}
