import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import Storage
import Testing
import TestSupport

@Suite("Staff area: verification, modifications, audit trail, accounts")
struct StaffTests {
    static let payload = "<script>alert(1)</script>"

    func withSite(_ candidacies: [Candidacy], _ body: @Sendable @escaping (Browser, Database) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            var context = testContext(db, process)
            context.pipelineDefinitions = try PipelineDefinition.loadAll(
                directory: "\(repositoryRoot)/pipelines", knownKinds: WorkerRegistry.kinds)
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in try await body(Browser(client), db) }
        }
    }

    static let representative = ProfileActor(role: .representative, id: "rep-test")
    static let staff = ProfileActor(role: .staff, id: "staff-test")

    static func workflows(_ db: Database) -> ProfileWorkflowRepository {
        ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger)
    }

    static func questionnaires(_ db: Database) -> QuestionnaireRepository {
        QuestionnaireRepository(client: db.client, cipher: testCipher, logger: TestDatabase.logger)
    }

    static func curricular(history: String = "Trabajé veinte años como maestra rural en Los Altos de Jalisco") -> CurricularQuestionnaire {
        CurricularQuestionnaire(
            maximumDegree: "licenciatura", degreeStatus: "cedula", professionalHistory: history,
            politicalTrajectory: "Regidora de 2015 a 2018", publicOfficeMotivation: "Servir",
            firstProposal: "Escuelas", secondProposal: "Agua", genderProposal: "Paridad",
            publicationAuthorization: true)
    }

    /// Captures `answers` for `id` and takes the profile to `autorizado`.
    static func authorize(_ db: Database, _ id: String, _ answers: CurricularQuestionnaire = curricular()) async throws {
        try await questionnaires(db).saveCurricular(answers, for: id, by: AuditActor(representative))
        let workflows = workflows(db)
        try await workflows.apply(.startCapture, to: id, by: representative)
        try await workflows.apply(.markComplete, to: id, by: representative, completeness: CompletenessReport())
        try await workflows.apply(.authorize, to: id, by: representative)
    }

    /// Takes an authorized profile to `publicado`.
    static func publish(_ db: Database, _ id: String) async throws {
        try await workflows(db).apply(.verify, to: id, by: staff)
        try await workflows(db).apply(.publish, to: id, by: staff)
    }

    static func state(_ db: Database, _ id: String) async throws -> ProfileState {
        try await workflows(db).workflow(for: id).state
    }

    // MARK: Verification

    @Test func theQueueListsAuthorizedProfilesOldestFirstWithFiltersAndCounts() async throws {
        let waiting = WebFixtures.candidacy("C-ESPERA", party: "PAN", name: "Rosa Elena Quintero Díaz")
        let older = WebFixtures.candidacy("C-ANTES", party: "PRI", office: "DIP_MR", district: 3, name: "Jorge Luis Medina Ortiz")
        let capturing = WebFixtures.candidacy("C-CAPTURA", party: "PAN", name: "Ana Capturando Todavía")
        try await withSite([waiting, older, capturing]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, older.id)
            try await Self.authorize(db, waiting.id)
            try await Self.workflows(db).apply(.startCapture, to: capturing.id, by: Self.representative)
            try await browser.signIn("ana.staff")
            let page = try await browser.get("/instancia/verificacion")
            #expect(page.status == .ok)
            let body = page.text
            #expect(body.contains("Rosa Elena Quintero Díaz") && body.contains("Jorge Luis Medina Ortiz"))
            #expect(!body.contains("Ana Capturando Todavía"))
            #expect(body.contains("En espera: 2"))
            #expect(body.contains("Autorizado: <strong>2</strong>"))
            // Oldest first: the one authorized first comes first.
            let first = try #require(body.range(of: "Jorge Luis Medina Ortiz")), second = try #require(body.range(of: "Rosa Elena Quintero Díaz"))
            #expect(first.lowerBound < second.lowerBound)
            #expect(body.contains(#"href="/instancia/candidaturas/C-ESPERA""#))
            let filtered = try await browser.get("/instancia/verificacion?entidad=partido:PAN").text
            #expect(filtered.contains("Rosa Elena Quintero Díaz") && !filtered.contains("Jorge Luis Medina Ortiz"))
            #expect(filtered.contains("En espera: 1"))
            let byOffice = try await browser.get("/instancia/verificacion?cargo=DIP_MR").text
            #expect(byOffice.contains("Jorge Luis Medina Ortiz") && !byOffice.contains("Rosa Elena Quintero Díaz"))
        }
    }

    @Test func theReviewShowsWhatChangedSinceThePublishedVersion() async throws {
        let candidacy = WebFixtures.candidacy("C-MODIF")
        try await withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, candidacy.id, Self.curricular(history: "Fui maestra rural en Tepatitlán"))
            try await Self.publish(db, candidacy.id)
            let workflows = Self.workflows(db)
            try await workflows.apply(.requestModification, to: candidacy.id, by: Self.representative, observations: "Cambió de empleo")
            try await workflows.apply(.approveModification, to: candidacy.id, by: Self.staff)
            try await Self.questionnaires(db).saveCurricular(
                Self.curricular(history: "Fui directora rural en Tepatitlán"),
                for: candidacy.id, by: AuditActor(Self.representative))
            try await workflows.apply(.submitModification, to: candidacy.id, by: Self.representative, completeness: CompletenessReport())
            try await browser.signIn("ana.staff")
            let body = try await browser.get("/instancia/candidaturas/C-MODIF").text
            #expect(body.contains("Modificación enviada"))
            #expect(body.contains("<strong>1</strong> campos"))
            #expect(body.contains("Fui <del>maestra</del><ins>directora</ins> rural en Tepatitlán"))
            // Unchanged fields are shown as they are, without marks.
            #expect(body.contains("Regidora de 2015 a 2018"))
            #expect(!body.contains("<del>Regidora"))
            // The queue lists submitted modifications too, and the page offers verify and publish.
            #expect(try await browser.get("/instancia/verificacion").text.contains("Modificación enviada"))
            #expect(body.contains("Verificar y publicar"))
            let published = try await browser.post("/instancia/candidaturas/C-MODIF/verificar", [("publicar", "si")])
            #expect(published.status == .seeOther)
            #expect(try await Self.state(db, candidacy.id) == .republished)
            let stored = try #require(try await Self.questionnaires(db).curricular(for: candidacy.id))
            #expect(stored.published?.professionalHistory == "Fui directora rural en Tepatitlán")
        }
    }

    @Test func theReviewNeverShowsIdentityAnswersOnlyWhetherTheyWereGiven() async throws {
        let candidacy = WebFixtures.candidacy("C-IDENT")
        try await withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, candidacy.id)
            try await browser.signIn("ana.staff")
            #expect(try await browser.get("/instancia/candidaturas/C-IDENT").text.contains("Cuestionario: No respondido · Consentimiento para publicar: No"))
            let identity = IdentityQuestionnaire(
                indigenous: IndigenousSection(
                    identifiesAsIndigenous: .yes, speaksIndigenousLanguage: .no,
                    people: .answered(.other(text: "Comunidad coca de Mezcala"))),
                disability: DisabilitySection(hasDisability: .no), afroMexican: .no,
                sexualDiversity: SexualDiversitySection(isLGBTTTIQ: .no), migrant: MigrantSection(isMigrant: .no),
                youth: .no, olderPerson: .no,
                socioeconomic: SocioeconomicSection(incomeBracket: Choice(.from25001To50000), incomeSource: Choice(.salary)),
                stateOfBirth: .entry(key: "14"))
            try await Self.workflows(db).apply(.reopen, to: candidacy.id, by: Self.representative)
            try await Self.questionnaires(db).saveIdentity(identity, for: candidacy.id, by: AuditActor(Self.representative))
            _ = try await Self.questionnaires(db).recordConsent(granted: true, for: candidacy.id, by: AuditActor(Self.representative))
            let body = try await browser.get("/instancia/candidaturas/C-IDENT").text
            #expect(body.contains("Cuestionario: Respondido · Consentimiento para publicar: Sí"))
            #expect(!body.contains("Mezcala"))
            let trail = try await browser.get("/instancia/candidaturas/C-IDENT/bitacora").text
            #expect(!trail.contains("Mezcala"))
        }
    }

    @Test func returningWithObservationsChangesTheStateAndEnqueuesTheMail() async throws {
        let candidacy = WebFixtures.candidacy("C-DEVOLVER")
        try await withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, candidacy.id)
            try await browser.signIn("ana.staff")
            // Empty observations are refused beside the field; nothing changes, nothing is sent.
            let empty = try await browser.post("/instancia/candidaturas/C-DEVOLVER/devolver", [("observaciones", "   ")])
            #expect(empty.status == .unprocessableContent)
            #expect(
                empty.text.contains(#"<p class="error" id="observaciones-error" role="alert">Escriba las observaciones para devolver con observaciones.</p>"#))
            #expect(empty.text.contains(#"aria-describedby="observaciones-error""#))
            #expect(try await Self.state(db, candidacy.id) == .authorized)
            try await JobTesting.assertNotEnqueued(db, kind: ProfileReturnedMailWorker.kind)

            let returned = try await browser.post(
                "/instancia/candidaturas/C-DEVOLVER/devolver",
                [("observaciones", "La foto no cumple: es de 2019.")])
            #expect(returned.status == .seeOther)
            #expect(returned.location == "/instancia/candidaturas/C-DEVOLVER?hecho=devuelto")
            #expect(try await Self.state(db, candidacy.id) == .returned)
            try await JobTesting.assertEnqueued(db, kind: ProfileReturnedMailWorker.kind, args: ProfileReturnedMailWorker.Args.self) {
                $0.candidacyID == "C-DEVOLVER"
            }
            let after = try await browser.get(try #require(returned.location)).text
            #expect(after.contains("El perfil se devolvió con observaciones"))
            #expect(after.contains("Devuelto con observaciones"))
            // A second return is refused with the domain's message: the state no longer allows it.
            let again = try await browser.post("/instancia/candidaturas/C-DEVOLVER/devolver", [("observaciones", "Otra vez")])
            #expect(again.status == .conflict)
            #expect(again.text.contains("No se puede devolver con observaciones un perfil en estado «Devuelto con observaciones»."))
            #expect(try await JobTesting.enqueued(db, kind: ProfileReturnedMailWorker.kind).count == 1)
        }
    }

    @Test func verifyAndPublishWritesThePublishedVersion() async throws {
        let candidacy = WebFixtures.candidacy("C-PUBLICAR")
        let capturing = WebFixtures.candidacy("C-AUN")
        try await withSite([candidacy, capturing]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, candidacy.id)
            try await Self.questionnaires(db).saveCurricular(Self.curricular(), for: capturing.id, by: AuditActor(Self.representative))
            try await browser.signIn("ana.staff")
            #expect(
                try await browser.post("/instancia/candidaturas/C-PUBLICAR/verificar").location
                    == "/instancia/candidaturas/C-PUBLICAR?hecho=verificado")
            #expect(try await Self.state(db, candidacy.id) == .verified)
            #expect(try await Self.questionnaires(db).curricular(for: candidacy.id)?.published == nil)
            let published = try await browser.post("/instancia/candidaturas/C-PUBLICAR/publicar")
            #expect(published.location == "/instancia/candidaturas/C-PUBLICAR?hecho=publicado")
            #expect(try await Self.state(db, candidacy.id) == .published)
            let stored = try #require(try await Self.questionnaires(db).curricular(for: candidacy.id))
            #expect(stored.published == Self.curricular())
            #expect(stored.publishedAt != nil)
            let history = try await Self.workflows(db).workflow(for: candidacy.id).history
            #expect(history.suffix(2).map(\.action) == [.verify, .publish])
            #expect(history.last?.actor.role == .staff)
            // A profile still in capture can be neither verified nor published.
            let refused = try await browser.post("/instancia/candidaturas/C-AUN/publicar")
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("No se puede publicar un perfil en estado «Pendiente»."))
            #expect(try await Self.state(db, capturing.id) == .pending)
            #expect(try await Self.questionnaires(db).curricular(for: capturing.id)?.published == nil)
            // An unknown candidacy is a 404, not an error page.
            #expect(try await browser.get("/instancia/candidaturas/NO-EXISTE").status == .notFound)
        }
    }

    // MARK: Modification requests

    @Test func modificationRequestsAreApprovedOrRejectedWithObservations() async throws {
        let first = WebFixtures.candidacy("C-MOD-1", name: "Luisa Fernanda Robles")
        let second = WebFixtures.candidacy("C-MOD-2", name: "Carlos Alberto Núñez")
        try await withSite([first, second]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            for candidacy in [first, second] {
                try await Self.authorize(db, candidacy.id)
                try await Self.publish(db, candidacy.id)
                try await Self.workflows(db).apply(
                    .requestModification, to: candidacy.id, by: Self.representative,
                    observations: "Nuevo domicilio de campaña \(Self.payload)")
            }
            try await browser.signIn("ana.staff")
            let list = try await browser.get("/instancia/modificaciones").text
            #expect(list.contains("Luisa Fernanda Robles") && list.contains("Carlos Alberto Núñez"))
            #expect(list.contains("Nuevo domicilio de campaña &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!list.contains(Self.payload))
            let requests = try await Self.workflows(db).modificationRequests(for: first.id) + Self.workflows(db).modificationRequests(for: second.id)
            let (one, two) = (requests[0].id, requests[1].id)

            let empty = try await browser.post("/instancia/modificaciones/\(two)/rechazar", [("observaciones", "")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains(#"id="observaciones-\#(two)-error""#))
            #expect(try await Self.state(db, second.id) == .modificationRequested)

            let rejected = try await browser.post("/instancia/modificaciones/\(two)/rechazar", [("observaciones", "No procede: ya es pública")])
            #expect(rejected.location == "/instancia/modificaciones?hecho=rechazada")
            #expect(try await Self.state(db, second.id) == .published)
            #expect(try await Self.workflows(db).modificationRequests(for: second.id).last?.status == .rejected)

            #expect(try await browser.post("/instancia/modificaciones/\(one)/aprobar").location == "/instancia/modificaciones?hecho=aprobada")
            #expect(try await Self.state(db, first.id) == .modifying)
            #expect(try await Self.workflows(db).modificationRequests(for: first.id).last?.status == .approved)
            let after = try await browser.get("/instancia/modificaciones").text
            #expect(after.contains("No hay solicitudes pendientes."))
            // A decided request cannot be decided again.
            #expect(try await browser.post("/instancia/modificaciones/\(one)/aprobar").status == .conflict)
        }
    }

    // MARK: Audit trail

    @Test func theAuditTrailListsTransitionsWithObservationsEscaped() async throws {
        let candidacy = WebFixtures.candidacy("C-BITACORA")
        try await withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, candidacy.id)
            try await browser.signIn("ana.staff")
            #expect(
                try await browser.post(
                    "/instancia/candidaturas/C-BITACORA/devolver",
                    [("observaciones", "Revise la trayectoria \(Self.payload)")]
                ).status == .seeOther)
            let page = try await browser.get("/instancia/candidaturas/C-BITACORA/bitacora")
            #expect(page.status == .ok)
            let body = page.text
            for label in [
                "Iniciar la captura", "Marcar como completo", "Autorizar la publicación", "Devolver con observaciones",
                "Guardó el cuestionario curricular",
            ] {
                #expect(body.contains(label), "\(label)")
            }
            #expect(body.contains("Instancia interna") && body.contains("Representación de partido"))
            #expect(body.contains("(Autorizado → Devuelto con observaciones)"))
            #expect(body.contains("Revise la trayectoria &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!body.contains(Self.payload))
            // The save names the fields by label, never their content.
            #expect(body.contains("Historia profesional y/o laboral"))
            #expect(!body.contains("maestra rural"))
            // Oldest first.
            let start = try #require(body.range(of: "Iniciar la captura")), back = try #require(body.range(of: "Devolver con observaciones ("))
            #expect(start.lowerBound < back.lowerBound)
        }
    }

    @Test func scriptPayloadsInCurricularFieldsComeBackEscaped() async throws {
        let candidacy = WebFixtures.candidacy("C-XSS", name: "Nombre \(Self.payload)")
        try await withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            var answers = Self.curricular(history: "Historia \(Self.payload)")
            answers.otherTraining = ["Diplomado <img src=x onerror=alert(1)>"]
            answers.contact.facebook = "https://facebook.com/\"><script>alert(2)</script>"
            try await Self.authorize(db, candidacy.id, answers)
            try await Self.publish(db, candidacy.id)
            try await Self.workflows(db).apply(.requestModification, to: candidacy.id, by: Self.representative, observations: "x")
            try await Self.workflows(db).apply(.approveModification, to: candidacy.id, by: Self.staff)
            answers.professionalHistory = "Historia nueva \(Self.payload)"
            try await Self.questionnaires(db).saveCurricular(answers, for: candidacy.id, by: AuditActor(Self.representative))
            try await browser.signIn("ana.staff")
            for uri in [
                "/instancia/candidaturas/C-XSS", "/instancia/candidaturas/C-XSS/bitacora", "/instancia/verificacion",
                "/instancia/modificaciones", "/instancia/cuentas",
            ] {
                let body = try await browser.get(uri).text
                #expect(!body.contains("<script>alert"), "\(uri)")
                #expect(!body.contains("<img src=x"), "\(uri)")
            }
            let review = try await browser.get("/instancia/candidaturas/C-XSS").text
            #expect(review.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(review.contains("Diplomado &lt;img src=x onerror=alert(1)&gt;"))
            #expect(review.contains("<ins>nueva </ins>"))
        }
    }

    // MARK: Authorization

    @Test func otherRolesAreRefusedOnEveryStaffRoute() async throws {
        let candidacy = WebFixtures.candidacy("C-AJENA", party: "PAN", name: "Perfil Que Nadie Más Ve")
        let own = WebFixtures.candidacy("C-PROPIA", party: "PAN", name: "Candidata De Su Propio Perfil")
        try await withSite([candidacy, own]) { browser, db in
            try await Self.authorize(db, candidacy.id)
            _ = try await WebFixtures.candidateAccount(db, for: own, username: "la.candidata")
            _ = try await WebFixtures.representativeAccount(db, party: "PAN", username: "rep.pan")
            _ = try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "igualdad")
            let it = try await WebFixtures.staffAccount(db, .itStaff, username: "informatica")
            let reviewGets = [
                "/instancia/verificacion", "/instancia/candidaturas/C-AJENA", "/instancia/candidaturas/C-AJENA/bitacora",
                "/instancia/modificaciones",
            ]
            let reviewPosts = [
                "/instancia/candidaturas/C-AJENA/devolver", "/instancia/candidaturas/C-AJENA/verificar",
                "/instancia/candidaturas/C-AJENA/publicar", "/instancia/modificaciones/1/aprobar",
                "/instancia/modificaciones/1/rechazar",
            ]
            let accountGets = ["/instancia/cuentas"]
            let accountPosts = [
                "/instancia/cuentas/\(it.id.uuidString.lowercased())/reenviar", "/instancia/cuentas/reenviar-pendientes",
                "/instancia/cuentas/emitir",
            ]
            for username in ["la.candidata", "rep.pan", "igualdad", "informatica"] {
                try await browser.signIn(username)
                let mayManageAccounts = username == "informatica"
                for uri in reviewGets + (mayManageAccounts ? [] : accountGets) {
                    let response = try await browser.get(uri)
                    #expect(response.status == .forbidden, "\(username) GET \(uri)")
                    #expect(!response.text.contains("Perfil Que Nadie Más Ve"), "\(username) GET \(uri)")
                }
                for uri in reviewPosts + (mayManageAccounts ? [] : accountPosts) {
                    let response = try await browser.post(uri, [("observaciones", "intento")])
                    #expect(response.status == .forbidden, "\(username) POST \(uri)")
                }
                if mayManageAccounts { #expect(try await browser.get("/instancia/cuentas").status == .ok) }
                try await browser.post("/salir")
            }
            #expect(try await Self.state(db, candidacy.id) == .authorized)
            try await JobTesting.assertNotEnqueued(db, kind: CredentialsMailWorker.kind)
            // Nobody signed in: sent to the sign-in page.
            #expect(try await browser.get("/instancia/verificacion").location == "/entrar?siguiente=/instancia/verificacion")
        }
    }

    @Test func actionsWithoutTheCSRFTokenAreRefused() async throws {
        let candidacy = WebFixtures.candidacy("C-CSRF")
        try await withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await Self.authorize(db, candidacy.id)
            try await browser.signIn("ana.staff")
            for uri in [
                "/instancia/candidaturas/C-CSRF/devolver", "/instancia/candidaturas/C-CSRF/verificar",
                "/instancia/cuentas/reenviar-pendientes", "/instancia/cuentas/emitir",
            ] {
                #expect(try await browser.post(uri, [("observaciones", "Sin token")], csrf: false).status == .forbidden, "\(uri)")
                #expect(
                    try await browser.post(
                        uri, [("observaciones", "Token falso"), ("csrf", String(repeating: "b", count: 64))],
                        csrf: false
                    ).status == .forbidden, "\(uri)")
            }
            #expect(try await Self.state(db, candidacy.id) == .authorized)
            try await JobTesting.assertNotEnqueued(db, kind: ProfileReturnedMailWorker.kind)
        }
    }

    // MARK: Accounts

    /// Records an applied approval event of `candidacyID` (what mail.credentials and account.issue take).
    static func appliedEvent(_ db: Database, _ candidacyID: String) async throws {
        let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
        _ = try await events.record(
            RegistrationEvent(
                id: "ev-\(candidacyID)", processID: "jalisco-2024", kind: .approval,
                candidacyID: candidacyID, body: "{}", source: .csv))
        try await events.settle("ev-\(candidacyID)", to: .applied)
    }

    @Test func theAccountsPageHighlightsLateAccountsAndResendsCredentials() async throws {
        let late = WebFixtures.candidacy("C-TARDE", party: "PAN", name: "Cuenta Fuera De Plazo")
        let onTime = WebFixtures.candidacy("C-ATIEMPO", party: "PRI", name: "Cuenta A Tiempo")
        let missing = WebFixtures.candidacy("C-SINCUENTA", party: "PRI", name: "Candidatura Sin Cuenta")
        try await withSite([late, onTime, missing]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .itStaff, username: "informatica")
            for candidacy in [late, onTime, missing] { try await Self.appliedEvent(db, candidacy.id) }
            // Approved ten days ago, its credentials never sent: late against the 3-day deadline.
            try await db.client.query("UPDATE candidacies SET created_at = now() - interval '10 days' WHERE id = 'C-TARDE'")
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (lateAccount, _) = try await accounts.create(
                .candidate(
                    username: "c-c-tarde", email: "tarde@example.org", displayName: late.fullName, processID: "jalisco-2024",
                    candidacyID: late.id), activationTTL: .seconds(3_600), by: .system("test"))
            _ = try await WebFixtures.candidateAccount(db, for: onTime, username: "c-c-atiempo")
            try await browser.signIn("informatica")

            let page = try await browser.get("/instancia/cuentas")
            #expect(page.status == .ok)
            let body = page.text
            #expect(
                body.contains(
                    #"<tr class="atrasada"><th scope="row">Cuenta Fuera De Plazo <span class="clave">(C-TARDE)</span> <strong>Fuera de plazo</strong>"#))
            #expect(body.contains(#"<tr><th scope="row">Cuenta A Tiempo"#))
            #expect(body.contains("Candidaturas fuera de plazo: <strong>1</strong>"))
            #expect(body.contains("Candidatura Sin Cuenta") && body.contains("Sin cuenta"))
            #expect(body.contains("Activadas: <strong>1</strong>"))
            // Filters.
            let lateOnly = try await browser.get("/instancia/cuentas?filtro=atrasadas").text
            #expect(lateOnly.contains("Cuenta Fuera De Plazo") && !lateOnly.contains("Cuenta A Tiempo"))
            let activated = try await browser.get("/instancia/cuentas?filtro=activadas").text
            #expect(activated.contains("Cuenta A Tiempo") && !activated.contains("Cuenta Fuera De Plazo"))

            // Re-send one: the same path as the CLI (credentials cleared, mail.credentials queued).
            let resend = try await browser.post("/instancia/cuentas/\(lateAccount.id.uuidString.lowercased())/reenviar")
            #expect(resend.location == "/instancia/cuentas?hecho=reenvio")
            try await JobTesting.assertEnqueued(db, kind: CredentialsMailWorker.kind, args: CredentialsMailJob.self) {
                $0.candidacyID == "C-TARDE" && $0.eventID == "ev-C-TARDE" && $0.accountID == nil
            }
            let audit = try await AuditLog(client: db.client, logger: TestDatabase.logger)
                .records(subjectType: "account", subjectID: lateAccount.id.uuidString)
            #expect(audit.last?.entry.action == "account.credentials_resend")
            #expect(audit.last?.entry.actor.role == AccountRole.itStaff.rawValue)
            let progress = try await browser.get("/instancia/cuentas?hecho=reenvio").text
            #expect(progress.contains("Se programó el reenvío"))
            #expect(progress.contains(#"<tr><th scope="row">Correos de credenciales</th><td>1</td>"#))
            // An activated account is not re-sent.
            let active = try #require(try await accounts.account(username: "c-c-atiempo"))
            let refused = try await browser.post("/instancia/cuentas/\(active.id.uuidString.lowercased())/reenviar")
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("ya está activa"))
            // All pending: the one not activated; a re-send already waiting is not queued twice.
            #expect(try await browser.post("/instancia/cuentas/reenviar-pendientes").location == "/instancia/cuentas?hecho=pendientes")
            #expect(try await JobTesting.enqueued(db, kind: CredentialsMailWorker.kind).count == 1)
            // Issue the missing: the approval pipeline starts for the candidacy without an account, once.
            #expect(try await browser.post("/instancia/cuentas/emitir").location == "/instancia/cuentas?hecho=emision")
            let issued = try await JobTesting.enqueued(db, kind: AccountIssueWorker.kind)
            #expect(try issued.map { try $0.decodeArgs(CredentialsMailJob.self).candidacyID } == ["C-SINCUENTA"])
            #expect(try await browser.post("/instancia/cuentas/emitir").location == "/instancia/cuentas?hecho=nada")
            #expect(try await JobTesting.enqueued(db, kind: AccountIssueWorker.kind).count == 1)
        }
    }

    @Test func theAccountsPageIsPaged() async throws {
        let candidacies = (1...105).map { WebFixtures.candidacy(String(format: "C-P%03d", $0), name: "Persona \($0)") }
        try await withSite(candidacies) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await browser.signIn("ana.staff")
            let first = try await browser.get("/instancia/cuentas").text
            #expect(first.contains("Página 1 de 2 (105 en total)"))
            #expect(first.contains("(C-P100)") && !first.contains("(C-P101)"))
            #expect(first.contains(#"href="/instancia/cuentas?filtro=todas&amp;pagina=2""#))
            let second = try await browser.get("/instancia/cuentas?filtro=todas&pagina=2").text
            #expect(second.contains("(C-P105)") && !second.contains("(C-P001)"))
        }
    }
}
