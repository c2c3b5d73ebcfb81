import ConocelesCore
@testable import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Mail
import Storage
import Testing
import TestSupport

/// What the plan says people must be told, where they read it: both privacy notices from
/// every public page, the identity form's explanations, and a substitute's 5-day deadline.
@Suite("The plan's wording where people read it")
struct PlanWordingTests {
    static let consentSentence = "Únicamente cuando las personas candidatas hayan manifestado el consentimiento expreso"

    @Test func everyPublicPageLinksBothPrivacyNoticesAndTheSimplifiedOneIsPublic() async throws {
        let published = WebFixtures.candidacy("C-PIE", party: "PAN", name: "Aurelia Pie Quintero")
        try await PublicationTests().withSite([published]) { browser, db, process in
            try await PublicationTests.publish(db, published.id)
            try await PublicationTests.rebuild(db, process)
            for uri in [
                "/", "/candidaturas-publicas", "/perfil/C-PIE", "/mi-boleta", "/estadisticas",
                "/cumplimiento", "/datos-abiertos", "/ayuda", "/entrar", "/aviso-de-privacidad", "/aviso-de-privacidad-simplificado",
            ] {
                let page = try await browser.get(uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.text.contains(#"<a href="/aviso-de-privacidad-simplificado">Aviso de privacidad simplificado</a>"#), "\(uri)")
                #expect(page.text.contains(#"<a href="/aviso-de-privacidad">Aviso de privacidad integral</a>"#), "\(uri)")
            }
            let simplified = try await browser.get("/aviso-de-privacidad-simplificado").text
            #expect(simplified.contains("<h1>Aviso de privacidad simplificado</h1>"))
            #expect(simplified.contains(Self.consentSentence))
            #expect(simplified.contains(process.electoralBody))
        }
    }

    @Test func theIdentityFormCarriesThePlansExplanationsAndASubstituteIsToldItsDeadline() async throws {
        let process = try jalisco()
        let original = WebFixtures.candidacy("C-ORIGINAL", party: "PAN", name: "Persona Sustituida")
        let substitute = {
            var candidacy = WebFixtures.candidacy("C-SUSTITUTA", party: "PAN", name: "Persona Sustituta")
            candidacy.replacesCandidacyID = "C-ORIGINAL"
            return candidacy
        }()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [original, substitute])
            let account = try await WebFixtures.candidateAccount(db, for: substitute, username: "cand-sustituta")
            // Credentials sent at 23:30 of 10 May 2024 in Mexico City (05:30 UTC the next day): the last day is 15 May.
            let sent = try Date("2024-05-11T05:30:00Z", strategy: .iso8601)
            try await AccountRepository(client: db.client, logger: TestDatabase.logger).markCredentialsSent(accountID: account.id, at: sent)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("cand-sustituta")
                let overview = try await browser.get("/candidaturas/C-SUSTITUTA").text
                #expect(
                    overview.contains(
                        "Candidatura sustituta: su información debe capturarse en un plazo no mayor a 5 días naturales "
                            + "posteriores a la recepción de las cuentas de acceso, a más tardar el 15 de mayo de 2024."))
                #expect(try await browser.post("/candidaturas/C-SUSTITUTA/aviso").status == .seeOther)
                let form = try await browser.get("/candidaturas/C-SUSTITUTA/identidad").text
                #expect(
                    form.contains(
                        "¿Es usted una persona de la población LGBTTTIQ+ (Lesbiana, Gay, Bisexual, Transgénero, Travesti, "
                            + "Transexual, Intersexual, Queer, No Binaria, u otra)?"))
                #expect(
                    form.contains(
                        "incluye la deficiencia estructural o funcional de los órganos de la audición, la visión, el olfato, "
                            + "el tacto y el gusto"))
                #expect(
                    form.contains(
                        "sin que sea necesaria la posesión de alguna documental pública que lo compruebe; la veracidad "
                            + "de la información proporcionada es de su responsabilidad"))
                #expect(form.contains("Candidatura sustituta"), "the status box of every capture page")
            }
            // The credentials e-mail of the substitute (not of an ordinary candidacy) states the deadline.
            let from = try MailAddress("conoceles@example.org")
            for (candidacy, expected) in [(substitute, true), (original, false)] {
                let message = try CredentialsMessage(
                    account: account, candidacy: candidacy, process: process, token: "t", baseURL: "https://x",
                    ttlHours: 72, from: from
                ).message()
                let said = "la información debe capturarse en un plazo no mayor a 5 días naturales posteriores a la recepción de este correo"
                #expect(message.textBody.contains(said) == expected, "\(candidacy.id)")
                #expect(message.htmlBody?.contains(said) == expected, "\(candidacy.id)")
            }
        }
    }
}
