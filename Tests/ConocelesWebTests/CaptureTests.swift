import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("Capture portal: privacy notice, questionnaires, consent")
struct CaptureTests {
    /// Two PAN candidacies and one PRI candidacy, with a candidate account for the first PAN one.
    struct Site {
        let browser: Browser
        let db: Database
        let context: WebContext
        let panA: Candidacy
        let panB: Candidacy
        let pri: Candidacy

        var questionnaires: QuestionnaireRepository { context.questionnaires(logger: TestDatabase.logger) }

        func state(of candidacy: Candidacy) async throws -> ProfileState {
            try await ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger).workflow(for: candidacy.id).state
        }
    }

    func withSite(panAName: String = "María Fernanda López Ávila", _ body: @Sendable @escaping (Site) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let panA = WebFixtures.candidacy("C-PAN-A", party: "PAN", name: panAName)
            let panB = WebFixtures.candidacy("C-PAN-B", party: "PAN", office: "DIP_MR", district: 5, name: "Rosa Elena Quintero Barba")
            let pri = WebFixtures.candidacy("C-PRI-A", party: "PRI", name: "Jacinto Prieto Olvera")
            try await WebFixtures.seed(db, process, [panA, panB, pri])
            _ = try await WebFixtures.candidateAccount(db, for: panA, username: "cand.pan.a")
            _ = try await WebFixtures.candidateAccount(db, for: panB, username: "cand.pan.b")
            _ = try await WebFixtures.representativeAccount(db, party: "PAN", username: "rep.pan")
            let context = testContext(db, process)
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in
                try await body(Site(browser: Browser(client), db: db, context: context, panA: panA, panB: panB, pri: pri))
            }
        }
    }

    /// A text of `words` words (7 characters without spaces each).
    static func text(_ words: Int = 50) -> String {
        Array(repeating: "palabra", count: words).joined(separator: " ")
    }

    /// Every field of the curricular form, complete and valid.
    static func completeCurricular() -> [(String, String)] {
        [
            ("facebook", "https://www.facebook.com/maria.lopez"), ("twitter", ""), ("youtube", ""), ("instagram", ""),
            ("tiktok", ""), ("pagina_web", "https://www.marialopez.mx"),
            ("correos[]", "contacto@marialopez.mx"), ("correos[]", ""),
            ("telefonos[]", "3312345678"), ("telefonos[]", ""),
            ("domicilios[]", "Av. Juárez 100, Guadalajara"), ("domicilios[]", ""),
            ("grado", "licenciatura"), ("estatus_grado", "concluido"),
            ("formacion[]", "Diplomado en políticas públicas"), ("formacion[]", ""), ("formacion[]", ""),
            ("historia_profesional", text()), ("trayectoria_politica", text()), ("motivacion", text()),
            ("propuesta_1", text()), ("propuesta_2", text()), ("propuesta_genero", text()),
            ("autoriza_publicacion", "si"),
        ]
    }

    /// Every question of the identity form answered, with "No" to every group.
    static func completeIdentity() -> [(String, String)] {
        [
            ("indigena", "no"), ("lengua_indigena", "no"), ("discapacidad", "no"), ("afromexicana", "no"), ("lgbt", "no"),
            ("migrante", "no"), ("joven", "no"), ("persona_mayor", "no"), ("ingresos", "25001_50000"),
            ("fuente_ingresos", "salario"), ("entidad_nacimiento", "14"),
        ]
    }

    /// A valid photo taken today (the photo page, another part of the portal, sets it).
    static func photo(_ site: Site) -> PhotoReference {
        PhotoReference(
            sha256: String(repeating: "ab", count: 32), byteCount: 300_000, format: .jpeg,
            takenOn: site.context.photoReferenceDate(), takenOnSource: .exif)
    }

    func acceptNotice(_ site: Site, _ candidacy: Candidacy) async throws {
        let response = try await site.browser.post("/candidaturas/\(candidacy.id)/aviso")
        #expect(response.status == .seeOther)
    }

    // MARK: Privacy notice

    @Test func everyFormWaitsForThePrivacyNotice() async throws {
        try await withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            for page in ["curricular", "identidad", "consentimiento"] {
                let shown = try await browser.get("/candidaturas/\(id)/\(page)")
                #expect(shown.status == .seeOther)
                #expect(shown.location == "/candidaturas/\(id)/aviso")
            }
            let posted = try await browser.post("/candidaturas/\(id)/curricular", Self.completeCurricular())
            #expect(posted.location == "/candidaturas/\(id)/aviso")
            #expect(try await site.questionnaires.curricular(for: id) == nil)
            let overview = try await browser.get("/candidaturas/\(id)")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("Lea y acepte el aviso de privacidad"))

            let notice = try await browser.get("/candidaturas/\(id)/aviso")
            #expect(notice.status == .ok)
            #expect(notice.text.contains("Aviso de privacidad simplificado"))
            #expect(notice.text.contains("href=\"/aviso-de-privacidad\""))
            #expect(notice.text.contains(">Acepto</button>"))
            let full = try await browser.get("/aviso-de-privacidad")
            #expect(full.status == .ok && full.text.contains("Derechos ARCO"))

            try await acceptNotice(site, site.panA)
            #expect(try await site.questionnaires.hasAcceptedPrivacyNotice(version: PrivacyNotice.version, for: id))
            #expect(try await browser.get("/candidaturas/\(id)/curricular").status == .ok)
            #expect(try await browser.get("/candidaturas/\(id)/aviso").text.contains("Usted ya aceptó este aviso"))
            // Accepting the notice alone starts nothing.
            #expect(try await site.state(of: site.panA) == .pending)
        }
    }

    // MARK: Curricular

    @Test func candidateSavesADraftThenACompleteProfile() async throws {
        try await withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await acceptNotice(site, site.panA)
            // The form shows every field with its counter limit.
            let empty = try await browser.get("/candidaturas/\(id)/curricular")
            for name in [
                "facebook", "twitter", "youtube", "instagram", "tiktok", "pagina_web", "correos[]", "telefonos[]",
                "domicilios[]", "grado", "estatus_grado", "formacion[]", "historia_profesional", "trayectoria_politica",
                "motivacion", "propuesta_1", "propuesta_2", "propuesta_genero", "autoriza_publicacion",
            ] {
                #expect(empty.text.contains("name=\"\(name)\""), "missing field \(name)")
            }
            #expect(empty.text.contains("id=\"historia_profesional\" name=\"historia_profesional\" rows=\"8\" data-limite=\"5000\""))
            #expect(empty.text.contains("data-limite=\"1600\"") && empty.text.contains("data-limite=\"250\""))

            // A draft with most fields missing is saved, and capture starts.
            let draft = try await browser.post(
                "/candidaturas/\(id)/curricular",
                [
                    ("historia_profesional", "Abogada desde 2001."), ("grado", "maestria"), ("correos[]", ""), ("correos[]", ""),
                ])
            #expect(draft.status == .seeOther)
            #expect(draft.location == "/candidaturas/\(id)/curricular?guardado=1")
            let saved = try #require(try await site.questionnaires.curricular(for: id))
            #expect(saved.answers.professionalHistory == "Abogada desde 2001.")
            #expect(saved.answers.maximumDegree == "maestria")
            #expect(saved.answers.contact.emails.isEmpty)
            #expect(try await site.state(of: site.panA) == .capturing)
            let afterDraft = try await browser.get(draft.location!)
            #expect(afterDraft.text.contains("Se guardaron sus respuestas como borrador."))
            #expect(afterDraft.text.contains("value=\"maestria\" selected"))
            #expect(afterDraft.text.contains(">Abogada desde 2001.</textarea>"))
            let overview = try await browser.get("/candidaturas/\(id)")
            #expect(overview.text.contains("En captura"))
            #expect(overview.text.contains("Faltan o son incorrectos"))
            #expect(overview.text.contains("href=\"/candidaturas/\(id)/curricular#trayectoria_politica\""))
            #expect(overview.text.contains("Estatus del grado máximo de estudios"))

            // Invalid values are saved as typed with everything else, flagged beside their fields;
            // the profile cannot be complete while they are there.
            var invalid = Self.completeCurricular()
            invalid.removeAll { ["correos[]", "telefonos[]", "twitter", "propuesta_2"].contains($0.0) }
            invalid += [
                ("correos[]", "no-es-un-correo"), ("telefonos[]", "123"), ("twitter", "https://www.facebook.com/otra"),
                ("propuesta_2", Self.text(230)),
            ]
            let flagged = try await browser.post("/candidaturas/\(id)/curricular", invalid)
            #expect(flagged.status == .ok)
            let page = flagged.text
            #expect(page.contains("<p class=\"error\" id=\"correos-0-error\">\(EmailAddress.invalidMessage)</p>"))
            #expect(
                page.contains(
                    "id=\"correos-0\" name=\"correos[]\" value=\"no-es-un-correo\" inputmode=\"email\" autocomplete=\"email\" aria-describedby=\"correos-0-error\" aria-invalid=\"true\""
                ))
            #expect(page.contains("<p class=\"error\" id=\"telefonos-0-error\">\(MexicanPhoneNumber.invalidMessage)</p>"))
            #expect(page.contains("id=\"twitter-error\""))
            #expect(page.contains("<p class=\"error\" id=\"propuesta_2-error\">Sobran 10 caracteres (sin contar espacios) sobre el máximo de 1,600.</p>"))
            #expect(page.contains("value=\"https://www.marialopez.mx\""))
            #expect(page.contains("Se guardaron sus respuestas."))
            #expect(page.contains("se guardaron como los escribió, pero el perfil no estará completo hasta que los corrija"))
            #expect(page.contains("<li><a href=\"#correos-0\">Correo electrónico público</a>: \(EmailAddress.invalidMessage)</li>"))
            let kept = try #require(try await site.questionnaires.curricular(for: id))
            #expect(kept.revision == saved.revision + 1)
            #expect(kept.answers.contact.phones == ["123"] && kept.answers.firstProposal == Self.text())
            #expect(kept.answers.secondProposal == Self.text(230))
            // Shown again, flagged, on the next visit.
            #expect(try await browser.get("/candidaturas/\(id)/curricular").text.contains("id=\"telefonos-0-error\""))

            // With the photo (its own page) and the identity questionnaire, the complete form completes the profile.
            var withPhoto = saved.answers
            withPhoto.photo = Self.photo(site)
            try await site.questionnaires.saveCurricular(withPhoto, for: id, by: .system("test"))
            #expect(try await browser.post("/candidaturas/\(id)/identidad", Self.completeIdentity()).status == .seeOther)
            #expect(try await site.state(of: site.panA) == .capturing)
            let complete = try await browser.post("/candidaturas/\(id)/curricular", Self.completeCurricular())
            #expect(complete.status == .seeOther)
            let stored = try #require(try await site.questionnaires.curricular(for: id)?.answers)
            #expect(stored.photo == withPhoto.photo)
            #expect(stored.contact.phones == ["3312345678"])
            #expect(stored.otherTraining == ["Diplomado en políticas públicas"])
            #expect(stored.publicationAuthorization == true)
            #expect(try await site.state(of: site.panA) == .complete)
            #expect(try await browser.get(complete.location!).text.contains("El perfil está completo."))
            let done = try await browser.get("/candidaturas/\(id)")
            #expect(done.text.contains("Perfil completo."))
            #expect(done.text.contains("<span class=\"estado\">Completo</span>"))

            // Once authorized, a change lapses the authorization: the profile is complete again, awaiting a new one.
            try await site.db.client.query("UPDATE profile_workflows SET state = 'autorizado' WHERE candidacy_id = \(id)")
            #expect(try await browser.get("/candidaturas/\(id)/curricular").text.contains("la autorización queda sin efecto"))
            var changed = Self.completeCurricular()
            changed.removeAll { $0.0 == "facebook" }
            #expect(try await browser.post("/candidaturas/\(id)/curricular", changed).status == .seeOther)
            let history = try await ProfileWorkflowRepository(client: site.db.client, logger: TestDatabase.logger).workflow(for: id).history
            #expect(history.suffix(2).map(\.action) == [.reopen, .markComplete])
            #expect(try await site.state(of: site.panA) == .complete)

            // Emptying a required text reopens the profile.
            var incomplete = Self.completeCurricular()
            incomplete.removeAll { $0.0 == "motivacion" }
            #expect(try await browser.post("/candidaturas/\(id)/curricular", incomplete).status == .seeOther)
            #expect(try await site.state(of: site.panA) == .capturing)
        }
    }

    @Test func aProfileUnderReviewIsReadOnly() async throws {
        try await withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await acceptNotice(site, site.panA)
            try await site.db.client.query("UPDATE profile_workflows SET state = 'verificado' WHERE candidacy_id = \(id)")
            let page = try await browser.get("/candidaturas/\(id)/curricular")
            #expect(page.text.contains("<fieldset disabled>"))
            #expect(page.text.contains("La instancia interna ya verificó el perfil"))
            #expect(!page.text.contains("Guardar borrador</button>"))
            let refused = try await browser.post("/candidaturas/\(id)/curricular", Self.completeCurricular())
            #expect(refused.status == .conflict)
            #expect(try await browser.post("/candidaturas/\(id)/identidad", Self.completeIdentity()).status == .conflict)
            #expect(try await site.questionnaires.curricular(for: id) == nil)
        }
    }

    // MARK: Identity

    @Test func identityFollowUpsNeedTheirTriggerAndAreIgnoredWithoutIt() async throws {
        try await withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await acceptNotice(site, site.panA)
            let form = try await browser.get("/candidaturas/\(id)/identidad")
            #expect(form.text.contains("<legend>Responda solo si contestó «Sí» a «¿Tiene alguna discapacidad?»</legend>"))
            #expect(form.text.contains("<option value=\"14\">Jalisco</option>"))
            #expect(form.text.contains("<option value=\"USA\">"))
            #expect(form.text.contains("name=\"discapacidad_tipos[]\" value=\"fisica\""))

            // "Sí" without its follow-ups is a draft: saved, the follow-ups flagged beside them.
            let partial = try await browser.post("/candidaturas/\(id)/identidad", [("discapacidad", "si"), ("lgbt", "no")])
            #expect(partial.status == .ok)
            #expect(
                partial.text.contains("<p class=\"error\" id=\"discapacidad_temporalidad-error\">Responda esta pregunta, porque respondió «Sí» a la anterior"))
            #expect(partial.text.contains("id=\"discapacidad_tipos-error\""))
            #expect(partial.text.contains("id=\"discapacidad-si\" name=\"discapacidad\" value=\"si\" checked"))
            #expect(try await site.questionnaires.identity(for: id)?.disability.hasDisability == .yes)

            // "Otra" without its text is kept and flagged.
            let noText = try await browser.post(
                "/candidaturas/\(id)/identidad",
                [
                    ("discapacidad", "si"), ("discapacidad_temporalidad", "permanente"), ("discapacidad_tipos[]", "otra"),
                    ("discapacidad_dificultades[]", "ver"),
                ])
            #expect(noText.status == .ok)
            #expect(noText.text.contains("<p class=\"error\" id=\"discapacidad_tipos-error\">Eligió «Otro/Otra»: escriba cuál.</p>"))
            #expect(try await site.questionnaires.identity(for: id)?.disability.types == .answered(MultipleChoice([.other])))

            // With its follow-ups it is saved; follow-ups of a "No" are "No aplica" and the page says
            // so; follow-ups of an unanswered question are kept with it.
            let saved = try await browser.post(
                "/candidaturas/\(id)/identidad",
                [
                    ("discapacidad", "si"), ("discapacidad_temporalidad", "permanente"), ("discapacidad_tipos[]", "fisica"),
                    ("discapacidad_tipos[]", "otra"), ("discapacidad_tipos_otra", "Baja visión"),
                    ("discapacidad_dificultades[]", "caminar"),
                    ("lgbt", "no"), ("lgbt_identidad", "mujer_trans"),
                    ("migrante_pais", "USA"), ("migrante_tiempo", "0_5"),
                    ("indigena", "si"), ("pueblo_indigena", "otro"), ("pueblo_indigena_otro", "Coca"),
                ])
            #expect(saved.status == .ok)
            #expect(saved.text.contains("Respondió «No» o «Prefiero no contestar» a «\(SexualDiversitySection.Field.isLGBTTTIQ.label)»"))
            let answers = try #require(try await site.questionnaires.identity(for: id))
            #expect(answers.disability.hasDisability == .yes)
            #expect(answers.disability.duration == .answered(Choice(.permanent)))
            #expect(answers.disability.types == .answered(MultipleChoice([.physical, .other], otherText: "Baja visión")))
            #expect(answers.disability.difficulties == .answered(MultipleChoice([.walking])))
            #expect(answers.sexualDiversity.isLGBTTTIQ == .no)
            #expect(answers.sexualDiversity.identity == .notApplicable)
            #expect(answers.migrant.isMigrant == nil)
            #expect(answers.migrant.countryOfResidence == .answered(.entry(key: "USA")))
            #expect(answers.migrant.timeAbroad == .answered(Choice(.upToFiveYears)))
            #expect(answers.indigenous.people == .answered(.other(text: "Coca")))
            #expect(try await site.state(of: site.panA) == .capturing)
            // The page shows the saved answers back.
            let shown = try await browser.get("/candidaturas/\(id)/identidad")
            #expect(shown.text.contains("id=\"discapacidad_tipos-fisica\" name=\"discapacidad_tipos[]\" value=\"fisica\" checked"))
            #expect(shown.text.contains("value=\"Baja visión\""))
            #expect(!shown.text.contains("value=\"mujer_trans\" checked"))
        }
    }

    // MARK: Consent

    @Test func consentIsGivenAndRevoked() async throws {
        try await withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await acceptNotice(site, site.panA)
            let page = try await browser.get("/candidaturas/\(id)/consentimiento")
            #expect(page.text.contains("No ha dado su consentimiento"))
            #expect(page.text.contains("value=\"otorgar\""))
            let given = try await browser.post("/candidaturas/\(id)/consentimiento", [("decision", "otorgar")])
            #expect(given.status == .seeOther)
            #expect(try await site.questionnaires.consent(for: id).isGranted)
            let after = try await browser.get(given.location!)
            #expect(after.text.contains("Se registró su consentimiento."))
            #expect(after.text.contains("Dio su consentimiento el"))
            #expect(after.text.contains("value=\"revocar\""))
            #expect(try await browser.post("/candidaturas/\(id)/consentimiento", [("decision", "revocar")]).status == .seeOther)
            guard case .revoked = try await site.questionnaires.consent(for: id) else {
                Issue.record("consent not revoked")
                return
            }
            #expect(try await browser.get("/candidaturas/\(id)").text.contains("Revocó su consentimiento el"))
            let unknown = try await browser.post("/candidaturas/\(id)/consentimiento", [("decision", "quizas")])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains("Elija si da o revoca su consentimiento."))
        }
    }

    // MARK: Authorization

    /// Every capture route of `id`, GET and POST.
    static func routes(_ id: String) -> [(HTTPRequest.Method, String)] {
        [
            (.get, "/candidaturas/\(id)"), (.get, "/candidaturas/\(id)/aviso"), (.post, "/candidaturas/\(id)/aviso"),
            (.get, "/candidaturas/\(id)/curricular"), (.post, "/candidaturas/\(id)/curricular"),
            (.get, "/candidaturas/\(id)/identidad"), (.post, "/candidaturas/\(id)/identidad"),
            (.get, "/candidaturas/\(id)/consentimiento"), (.post, "/candidaturas/\(id)/consentimiento"),
        ]
    }

    /// Requests every route of `candidacy` and expects 403 with none of its data.
    func expectRefused(_ site: Site, _ candidacy: Candidacy, id: String? = nil) async throws {
        for (method, uri) in Self.routes(id ?? candidacy.id) {
            let response =
                method == .get
                ? try await site.browser.get(uri)
                : try await site.browser.post(uri, Self.completeCurricular() + [("decision", "otorgar")])
            #expect(response.status == .forbidden, "\(method) \(uri)")
            #expect(!response.text.contains(candidacy.fullName), "\(method) \(uri)")
            #expect(!response.text.contains(candidacy.id), "\(method) \(uri)")
        }
    }

    @Test func aRepresentativeCapturesOnlyItsPartysCandidacies() async throws {
        try await withSite { site in
            let browser = site.browser
            try await browser.signIn("rep.pan")
            for candidacy in [site.panA, site.panB] {
                let overview = try await browser.get("/candidaturas/\(candidacy.id)")
                #expect(overview.status == .ok)
                #expect(overview.text.contains(candidacy.fullName))
            }
            #expect(try await browser.get("/candidaturas/\(site.panB.id)").text.contains("Distrito 5"))
            try await acceptNotice(site, site.panB)
            #expect(try await browser.post("/candidaturas/\(site.panB.id)/curricular", Self.completeCurricular()).status == .seeOther)
            #expect(try await site.questionnaires.curricular(for: site.panB.id)?.answers.firstProposal == Self.text())
            #expect(try await site.state(of: site.panB) == .capturing)

            try await expectRefused(site, site.pri)
            try await expectRefused(site, site.pri, id: "C-NO-EXISTE")
            #expect(try await site.questionnaires.curricular(for: site.pri.id) == nil)
            #expect(try await !site.questionnaires.hasAcceptedPrivacyNotice(version: PrivacyNotice.version, for: site.pri.id))
        }
    }

    @Test func aCandidateCannotOpenAnotherCandidacy() async throws {
        try await withSite { site in
            try await site.browser.signIn("cand.pan.a")
            try await expectRefused(site, site.panB)
            try await expectRefused(site, site.pri)
            #expect(try await !site.questionnaires.hasAcceptedPrivacyNotice(version: PrivacyNotice.version, for: site.panB.id))
            #expect(try await site.questionnaires.consent(for: site.panB.id) == .notGiven)
        }
    }

    @Test(arguments: [AccountRole.transparencyStaff, .genderEqualityStaff, .itStaff])
    func staffAccountsAreRefused(_ role: AccountRole) async throws {
        try await withSite { site in
            _ = try await WebFixtures.staffAccount(site.db, role, username: "staff.cuenta")
            try await site.browser.signIn("staff.cuenta")
            try await expectRefused(site, site.panA)
        }
    }

    @Test func anonymousVisitorsAreSentToSignIn() async throws {
        try await withSite { site in
            let response = try await site.browser.get("/candidaturas/\(site.panA.id)/curricular")
            #expect(response.status == .seeOther)
            #expect(response.location == "/entrar?siguiente=/candidaturas/\(site.panA.id)/curricular")
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            #expect(try await browser.post("/candidaturas/\(id)/aviso", [], csrf: false).status == .forbidden)
            #expect(try await !site.questionnaires.hasAcceptedPrivacyNotice(version: PrivacyNotice.version, for: id))
            try await acceptNotice(site, site.panA)
            let forms: [(String, [(String, String)])] = [
                ("curricular", Self.completeCurricular()), ("identidad", Self.completeIdentity()),
                ("consentimiento", [("decision", "otorgar")]),
            ]
            for (page, fields) in forms {
                let missing = try await browser.post("/candidaturas/\(id)/\(page)", fields, csrf: false)
                #expect(missing.status == .forbidden, "\(page)")
                let wrong = try await browser.post(
                    "/candidaturas/\(id)/\(page)", fields + [("csrf", String(repeating: "b", count: 64))],
                    csrf: false)
                #expect(wrong.status == .forbidden, "\(page)")
            }
            #expect(try await site.questionnaires.curricular(for: id) == nil)
            #expect(try await site.questionnaires.identity(for: id) == nil)
            #expect(try await site.questionnaires.consent(for: id) == .notGiven)
        }
    }

    // MARK: Escaping

    @Test func scriptPayloadsComeBackEscaped() async throws {
        let payload = "<script>alert(1)</script>"
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        try await withSite(panAName: "Ana \(payload) Ruiz") { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await acceptNotice(site, site.panA)
            // Saved as a draft in text fields.
            let saved = try await browser.post(
                "/candidaturas/\(id)/curricular",
                [
                    ("historia_profesional", payload), ("domicilios[]", payload), ("formacion[]", payload),
                ])
            #expect(saved.status == .seeOther)
            try await browser.post(
                "/candidaturas/\(id)/identidad",
                [
                    ("lgbt", "si"), ("lgbt_identidad", "otra"), ("lgbt_identidad_otra", payload),
                ])
            #expect(try await site.questionnaires.identity(for: id)?.sexualDiversity.identity?.answer?.otherText == payload)
            // Saved with an invalid field: the flagged input is escaped too.
            let refused = try await browser.post(
                "/candidaturas/\(id)/curricular",
                [
                    ("historia_profesional", payload), ("pagina_web", "javascript:\(payload)"),
                ])
            #expect(refused.status == .ok)
            for page in [
                try await browser.get("/candidaturas/\(id)"), try await browser.get("/candidaturas/\(id)/curricular"),
                try await browser.get("/candidaturas/\(id)/identidad"), refused,
                try await browser.get("/candidaturas/\(id)/consentimiento"), try await browser.get("/candidaturas/\(id)/aviso"),
            ] {
                #expect(!page.text.contains("<script>alert"))
                #expect(page.text.contains(escaped))
            }
            #expect(try await browser.get("/candidaturas/\(id)/curricular").text.contains(">\(escaped)</textarea>"))
        }
    }
}
