import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// Issue 26: nothing a person types is lost. Partial saves with normalised contacts, the
/// revision every form carries (merge, conflict, "guardado por"), forms kept after the session
/// expired, the session extension, follow-ups kept with their question.
@Suite("Capture keeps what was typed: partial saves, revisions, expiry")
struct CaptureResilienceTests {
    let capture = CaptureTests()

    /// The value of the hidden field `name` in `page`.
    static func hidden(_ name: String, in page: String) throws -> String {
        let marker = "name=\"\(name)\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    /// The form's revision and fingerprints as a browser would post them back.
    static func formState(_ page: String) throws -> [(String, String)] {
        [("revision", try hidden("revision", in: page)), ("huellas", try hidden("huellas", in: page))]
    }

    // MARK: Partial saves and normalisation

    @Test func anInvalidPhoneDoesNotStopFiveValidTexts() async throws {
        try await capture.withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await capture.acceptNotice(site, site.panA)
            let texts = ["historia_profesional", "trayectoria_politica", "motivacion", "propuesta_1", "propuesta_2"]
            let posted = try await browser.post(
                "/candidaturas/\(id)/curricular",
                texts.map { ($0, CaptureTests.text()) } + [("telefonos[]", "12-34")])
            #expect(posted.status == .ok)
            #expect(posted.text.contains("<p class=\"error\" id=\"telefonos-0-error\">\(MexicanPhoneNumber.invalidMessage)</p>"))
            let stored = try #require(try await site.questionnaires.curricular(for: id)?.answers)
            #expect(stored.professionalHistory == CaptureTests.text() && stored.secondProposal == CaptureTests.text())
            #expect(stored.contact.phones == ["12-34"])
            let profile = try await site.context.captureProfile(site.panA, logger: TestDatabase.logger)
            #expect(profile.report.issues.contains { $0.field == PublicContact.Field.phone(0).id && $0.code == .invalidPhone })
            #expect(try await site.state(of: site.panA) == .capturing)
        }
    }

    @Test func contactsAreNormalisedAndTheRewriteIsShown() async throws {
        try await capture.withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await capture.acceptNotice(site, site.panA)
            let page = try await browser.post(
                "/candidaturas/\(id)/curricular",
                [
                    ("telefonos[]", "(33) 1234-5678"), ("telefonos[]", "+52 1 55.1234.5678"), ("pagina_web", "www.marialopez.mx"),
                    ("twitter", "@maria_lopez"), ("instagram", "instagram.com/maria.lopez"), ("tiktok", "@maria"),
                ])
            #expect(page.status == .ok)
            let contact = try #require(try await site.questionnaires.curricular(for: id)?.answers.contact)
            #expect(contact.phones == ["3312345678", "5512345678"])
            #expect(contact.webPage == "https://www.marialopez.mx")
            #expect(contact.twitter == "https://x.com/maria_lopez")
            #expect(contact.instagram == "https://instagram.com/maria.lopez")
            #expect(contact.tiktok == "https://www.tiktok.com/@maria")
            #expect(page.text.contains("Teléfono público de contacto: «(33) 1234-5678» se guardó como «3312345678»."))
            #expect(page.text.contains("Twitter/X: «@maria_lopez» se guardó como «https://x.com/maria_lopez»."))
            #expect(page.text.contains("value=\"3312345678\""))
            #expect(!page.text.contains("id=\"telefonos-0-error\"") && !page.text.contains("id=\"twitter-error\""))
            // The form leaves the checks to the server, with the right keyboards and autofill.
            #expect(page.text.contains("<form method=\"post\" action=\"/candidaturas/\(id)/curricular\" novalidate"))
            #expect(page.text.contains("inputmode=\"tel\" autocomplete=\"tel\""))
            #expect(page.text.contains("data-limite=\"5000\" data-minimo=\"280\""))
            #expect(!page.text.contains("class=\"contador\" id=\"historia_profesional-contador\" aria-live"))
            #expect(page.text.contains("id=\"contador-aviso\" aria-live=\"polite\""))
        }
    }

    // MARK: Revisions

    @Test func candidateAndRepresentativeSavesMergeOrConflict() async throws {
        try await capture.withSite { site in
            let candidate = site.browser, id = site.panA.id
            let representative = Browser(site.browser.client)
            try await candidate.signIn("cand.pan.a")
            try await representative.signIn("rep.pan")
            try await capture.acceptNotice(site, site.panA)
            let base = CaptureTests.completeCurricular()
            #expect(try await candidate.post("/candidaturas/\(id)/curricular", base).status == .seeOther)
            let path = "/candidaturas/\(id)/curricular"

            // Both open the form at the same revision; the form says who saved it last.
            let candidatePage = try await candidate.get(path).text
            let representativePage = try await representative.get(path).text
            #expect(candidatePage.contains("Guardado por última vez por"))
            #expect(candidatePage.contains("(persona candidata) el"))
            let candidateState = try Self.formState(candidatePage)

            // Different fields: the second save merges, keeping both changes.
            let repMotivation = "La representación reescribió la motivación. " + CaptureTests.text()
            let repSaved = try await representative.post(
                path,
                base.map { $0.0 == "motivacion" ? ($0.0, repMotivation) : $0 }
                    + Self.formState(representativePage))
            #expect(repSaved.status == .seeOther)
            let candidateProposal = "La candidata reescribió su propuesta. " + CaptureTests.text()
            let merged = try await candidate.post(path, base.map { $0.0 == "propuesta_1" ? ($0.0, candidateProposal) : $0 } + candidateState)
            #expect(merged.status == .ok)
            #expect(merged.text.contains("(representación) había guardado cambios mientras usted escribía: se combinaron con los suyos."))
            var stored = try #require(try await site.questionnaires.curricular(for: id)?.answers)
            #expect(stored.publicOfficeMotivation == repMotivation && stored.firstProposal == candidateProposal)

            // The same field, changed by both: the second sees both versions and chooses; nothing is overwritten meanwhile.
            let before = try await site.questionnaires.curricular(for: id)
            let repPage = try await representative.get(path).text
            let candPage = try await candidate.get(path).text
            let repText = "Versión de la representación. " + CaptureTests.text()
            let candText = "Versión de la candidata. " + CaptureTests.text()
            var repFields = base.map { $0.0 == "propuesta_genero" ? ($0.0, repText) : $0 }
            repFields = repFields.map { $0.0 == "motivacion" ? ($0.0, repMotivation) : ($0.0 == "propuesta_1" ? ($0.0, candidateProposal) : $0) }
            #expect(try await representative.post(path, repFields + Self.formState(repPage)).status == .seeOther)
            var candFields = base.map { $0.0 == "propuesta_genero" ? ($0.0, candText) : $0 }
            candFields = candFields.map { $0.0 == "motivacion" ? ($0.0, repMotivation) : ($0.0 == "propuesta_1" ? ($0.0, candidateProposal) : $0) }
            let conflict = try await candidate.post(path, candFields + Self.formState(candPage))
            #expect(conflict.status == .conflict)
            #expect(conflict.text.contains("id=\"conflicto-propuesta_genero\""))
            #expect(conflict.text.contains(candText) && conflict.text.contains(repText))
            #expect(conflict.text.contains("name=\"conservar_propuesta_genero\" value=\"mia\" checked"))
            #expect(conflict.text.contains("name=\"conservar_propuesta_genero\" value=\"guardada\""))
            stored = try #require(try await site.questionnaires.curricular(for: id)?.answers)
            #expect(stored.genderProposal == repText)
            #expect(try await site.questionnaires.curricular(for: id)?.revision == (before?.revision ?? 0) + 1)
            // Keeping the saved version.
            let resolved = try await candidate.post(path, candFields + Self.formState(conflict.text) + [("conservar_propuesta_genero", "guardada")])
            #expect(resolved.status == .seeOther)
            #expect(try await site.questionnaires.curricular(for: id)?.answers.genderProposal == repText)
        }
    }

    @Test func aStaleIdentitySaveShowsBothAnswers() async throws {
        try await capture.withSite { site in
            let candidate = site.browser, id = site.panA.id
            let representative = Browser(site.browser.client)
            try await candidate.signIn("cand.pan.a")
            try await representative.signIn("rep.pan")
            try await capture.acceptNotice(site, site.panA)
            let path = "/candidaturas/\(id)/identidad"
            let candPage = try await candidate.get(path).text
            let repPage = try await representative.get(path).text
            #expect(try Self.hidden("revision", in: candPage) == "0")
            #expect(
                try await representative.post(
                    path,
                    CaptureTests.completeIdentity()
                        + [("revision", try Self.hidden("revision", in: repPage))]
                ).status == .seeOther)
            let mine = CaptureTests.completeIdentity().map { $0.0 == "joven" ? ($0.0, "si") : $0 }
            let stale = try await candidate.post(path, mine + [("revision", try Self.hidden("revision", in: candPage))])
            #expect(stale.status == .conflict)
            #expect(stale.text.contains("Usted respondió: «Sí». Lo guardado por"))
            #expect(stale.text.contains("name=\"conservar_joven\" value=\"guardada\""))
            #expect(!stale.text.contains("id=\"conflicto-persona_mayor\""))
            #expect(try await site.questionnaires.identity(for: id)?.youth == .no)
            // Saving again from the conflict page: each question as chosen.
            let older = CaptureTests.completeIdentity().map { $0.0 == "joven" ? ($0.0, "si") : ($0.0 == "persona_mayor" ? ($0.0, "si") : $0) }
            let stale2 = try await candidate.post(path, older + [("revision", try Self.hidden("revision", in: candPage))])
            #expect(stale2.status == .conflict)
            #expect(
                try await candidate.post(
                    path,
                    older + [
                        ("revision", try Self.hidden("revision", in: stale2.text)),
                        ("conservar_joven", "mia"), ("conservar_persona_mayor", "guardada"),
                    ]
                ).status == .seeOther)
            let chosen = try await site.questionnaires.identity(for: id)
            #expect(chosen?.youth == .yes && chosen?.olderPerson == .no)
        }
    }

    // MARK: Expiry

    @Test func aFormPostedAfterTheSessionExpiredIsKeptAndOfferedBack() async throws {
        try await capture.withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await capture.acceptNotice(site, site.panA)
            _ = try await browser.get("/candidaturas/\(id)/identidad")
            let secret = "TextoIdentidadSecreto4412"
            // The session expires while the person answers.
            try await site.db.client.query("UPDATE web_sessions SET expires_at = now() - interval '1 second'")
            let posted = try await browser.post(
                "/candidaturas/\(id)/identidad",
                [
                    ("lgbt", "si"), ("lgbt_identidad", "otra"), ("lgbt_identidad_otra", secret), ("revision", "0"),
                ])
            #expect(posted.status == .seeOther)
            #expect(posted.location == "/entrar?siguiente=/candidaturas/\(id)/identidad&conservado=1")
            #expect(try await site.questionnaires.identity(for: id) == nil)
            // Kept sealed: the database never sees the answer.
            let rows = try await site.db.client.query("SELECT ciphertext, path FROM kept_forms")
            var kept = 0
            for try await (ciphertext, path) in rows.decode((Data, String).self) {
                kept += 1
                #expect(path == "/candidaturas/\(id)/identidad")
                #expect(!String(decoding: ciphertext, as: UTF8.self).contains(secret))
            }
            #expect(kept == 1)
            #expect(try await browser.get(posted.location!).text.contains("Lo que escribió no se perdió"))

            // Another browser signing in as the same person is not offered it.
            let other = Browser(site.browser.client)
            try await other.signIn("cand.pan.a")
            #expect(try await !other.get("/candidaturas/\(id)/identidad").text.contains(secret))

            // After signing in again, the same browser gets it back, and saving it saves it.
            try await browser.signIn("cand.pan.a")
            let offered = try await browser.get("/candidaturas/\(id)/identidad")
            #expect(offered.text.contains("Recuperamos lo que escribió"))
            #expect(offered.text.contains("value=\"\(secret)\""))
            #expect(offered.text.contains("action=\"/candidaturas/\(id)/identidad/descartar\""))
            let saved = try await browser.post(
                "/candidaturas/\(id)/identidad",
                [
                    ("lgbt", "si"), ("lgbt_identidad", "otra"), ("lgbt_identidad_otra", secret), ("revision", try Self.hidden("revision", in: offered.text)),
                ])
            #expect(saved.status == .seeOther)
            #expect(try await site.questionnaires.identity(for: id)?.sexualDiversity.identity?.answer?.otherText == secret)
            #expect(try await SecuritySite.count(site.db, "kept_forms", where: "true") == 0)
            #expect(try await !browser.get("/candidaturas/\(id)/identidad").text.contains("Recuperamos lo que escribió"))
        }
    }

    @Test func aKeptFormCanBeDiscardedAndExpires() async throws {
        try await capture.withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await capture.acceptNotice(site, site.panA)
            try await site.db.client.query("UPDATE web_sessions SET expires_at = now() - interval '1 second'")
            #expect(try await browser.post("/candidaturas/\(id)/curricular", [("motivacion", "Mi texto")]).status == .seeOther)
            try await browser.signIn("cand.pan.a")
            #expect(try await browser.get("/candidaturas/\(id)/curricular").text.contains(">Mi texto</textarea>"))
            let discarded = try await browser.post("/candidaturas/\(id)/curricular/descartar")
            #expect(discarded.location == "/candidaturas/\(id)/curricular")
            #expect(try await !browser.get("/candidaturas/\(id)/curricular").text.contains("Mi texto"))
            #expect(try await site.questionnaires.curricular(for: id) == nil)

            // Purged once expired.
            let forms = KeptFormRepository(client: site.db.client, cipher: site.context.cipher, logger: TestDatabase.logger)
            try await forms.keep(
                body: "motivacion=x", path: "/candidaturas/\(id)/curricular", browserToken: String(repeating: "a", count: 64),
                at: Date().addingTimeInterval(-25 * 3_600))
            #expect(try await forms.purgeExpired() == 1)
        }
    }

    @Test func theSessionIsExtendedOnRequest() async throws {
        try await capture.withSite { site in
            let browser = site.browser, id = site.panA.id
            try await browser.signIn("cand.pan.a")
            try await capture.acceptNotice(site, site.panA)
            let page = try await browser.get("/candidaturas/\(id)/curricular").text
            #expect(page.contains("data-sesion-segundos=\"\(Int(site.context.sessionTTL.components.seconds))\""))
            try await site.db.client.query("UPDATE web_sessions SET expires_at = now() + interval '2 minutes'")
            let extended = try await browser.post("/sesion/extender")
            #expect(extended.status == .ok)
            let seconds = Int(extended.text.split(separator: ":").last?.dropLast() ?? "") ?? 0
            #expect(seconds > Int(site.context.sessionTTL.components.seconds) - 60)
            #expect(try await browser.post("/sesion/extender", csrf: false).status == .forbidden)
            try await site.db.client.query("UPDATE web_sessions SET expires_at = now() - interval '1 second'")
            #expect(try await browser.post("/sesion/extender").status == .unauthorized)
        }
    }

    // MARK: Observations on fields

    @Test func staffObservationsOnFieldsAreShownBesideThemAndKeptInTheHistory() async throws {
        try await capture.withSite { site in
            let id = site.panA.id
            try await StaffTests.authorize(site.db, id)
            _ = try await WebFixtures.staffAccount(site.db, .transparencyStaff, username: "ana.staff")
            try await site.browser.signIn("ana.staff")
            let review = try await site.browser.get("/instancia/candidaturas/\(id)").text
            #expect(review.contains("name=\"campo_observacion[]\"") && review.contains("<option value=\"telefonos\">Teléfonos públicos</option>"))
            let returned = try await site.browser.post(
                "/instancia/candidaturas/\(id)/devolver",
                [
                    ("observaciones", "Revise lo marcado."),
                    ("campo_observacion[]", "telefonos"), ("texto_observacion[]", "El teléfono no responde <b>nunca</b>."),
                    ("campo_observacion[]", "propuesta_1"), ("texto_observacion[]", "Diga en qué plazo."),
                    ("campo_observacion[]", ""), ("texto_observacion[]", ""),
                    ("campo_observacion[]", "no-existe"), ("texto_observacion[]", "Ignorada."),
                ])
            #expect(returned.status == .seeOther)
            #expect(try await SecuritySite.count(site.db, "profile_field_observations", where: "candidacy_id = '\(id)'") == 2)
            _ = try await site.browser.post("/salir")
            try await WebFixtures.acceptNotice(site.db, id)
            for username in ["cand.pan.a", "rep.pan"] {
                try await site.browser.signIn(username)
                let form = try await site.browser.get("/candidaturas/\(id)/curricular").text
                // Beside the field it concerns: the phones' first entry, the proposal's text area.
                let phone = try #require(form.range(of: "<label for=\"telefonos-0\">"))
                let note = try #require(form.range(of: "El teléfono no responde &lt;b&gt;nunca&lt;/b&gt;.", range: phone.upperBound..<form.endIndex))
                #expect(form.distance(from: phone.upperBound, to: note.lowerBound) < 200)
                let proposal = try #require(form.range(of: "<label for=\"propuesta_1\">"))
                let proposalNote = try #require(form.range(of: "Diga en qué plazo.", range: proposal.upperBound..<form.endIndex))
                #expect(form.distance(from: proposal.upperBound, to: proposalNote.lowerBound) < 200)
                #expect(form.contains("Observación de la instancia interna ("))
                // In the history, with date and author.
                let overview = try await site.browser.get("/candidaturas/\(id)").text
                #expect(overview.contains("<strong>Observación sobre «Teléfonos públicos»</strong>"))
                #expect(overview.contains("<strong>Devuelto con observaciones</strong>"))
                #expect(overview.contains("(Personal \(AccountRole.transparencyStaff.label)): <span class=\"texto-observacion\">Revise lo marcado.</span>"))
                #expect(!overview.contains("Ignorada."))
                _ = try await site.browser.post("/salir")
            }
        }
    }
}
