import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("User manual (/ayuda)")
struct HelpTests {
    func withSite(_ candidacies: [Candidacy], _ body: @Sendable @escaping (Browser, Database) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(Browser(client), db) }
        }
    }

    @Test func theManualIsPublicWithATableOfContentsWhoseAnchorsExist() async throws {
        try await withSite([]) { browser, _ in
            let page = try await browser.get("/ayuda")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<h1>Manual para partidos"))
            let anchors = Set(Self.matches(of: ##"href="#([a-z-]+)""##, in: html)).subtracting(["contenido"])
            #expect(anchors.count == 14)
            for anchor in anchors {
                #expect(html.contains("id=\"\(anchor)\""), "the table of contents points at #\(anchor), which is missing")
            }
            // Headings in order: one h1, then h2 only (no level skipped).
            #expect(Self.matches(of: "<h1[ >]", in: html).count == 1)
            #expect(Self.matches(of: "<h[3-6][ >]", in: html).isEmpty)
            // Tables have a caption and header cells with their scope.
            #expect(!html.contains("<th>"))
        }
    }

    @Test func theManualStatesTheRulesAndDeadlinesTheFormsApply() async throws {
        try await withSite([]) { browser, _ in
            let html = try await browser.get("/ayuda").text
            // The limits of the questionnaires, as ValidationRules has them.
            #expect(html.contains("obligatorio, de 280 a 5,000 caracteres sin contar espacios"))
            #expect(html.contains("obligatorio, de 280 a 1,600 caracteres sin contar espacios"))
            #expect(html.contains("opcional, hasta 250 caracteres sin contar espacios"))
            #expect(html.contains("Bachillerato/Preparatoria"))
            #expect(html.contains("de al menos \(PasswordRules.minimumLength) caracteres"))
            #expect(html.contains("hasta 1,000 caracteres sin contar espacios"))
            // The deadlines of config/processes/jalisco-2024.yaml.
            #expect(html.contains("a más tardar 3 días naturales"))
            #expect(html.contains("dentro de los 5 días naturales"))
            #expect(html.contains("15 de abril de 2024 y 15 de mayo de 2024"))
            #expect(html.contains("recordatorio por correo 7 y 2 días naturales"))
            #expect(html.contains("Jornada electoral: 2 de junio de 2024"))
        }
    }

    @Test func everyCapturePageLinksToTheManual() async throws {
        let candidacy = WebFixtures.candidacy("C-AYUDA", party: "PAN")
        try await withSite([candidacy]) { browser, db in
            try await WebFixtures.candidateAccount(db, for: candidacy, username: "cand-ayuda")
            try await WebFixtures.representativeAccount(db, party: "PAN", username: "rep-pan")
            #expect(try await browser.signIn("cand-ayuda").status == .seeOther)
            #expect(try await browser.post("/candidaturas/C-AYUDA/aviso", [("acepto", "si")]).status == .seeOther)
            for path in ["", "/aviso", "/curricular", "/identidad", "/consentimiento", "/foto"] {
                let page = try await browser.get("/candidaturas/C-AYUDA\(path)")
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.contains("<a href=\"/ayuda\">Ayuda</a>"), "the candidate's page \(path) has no link to /ayuda")
            }
            #expect(try await browser.post("/salir").status == .seeOther)
            #expect(try await browser.signIn("rep-pan").status == .seeOther)
            for path in ["/candidaturas", "/candidaturas/C-AYUDA", "/candidaturas/C-AYUDA/curricular", "/candidaturas/carga"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.contains("<a href=\"/ayuda\">Ayuda</a>"), "the representative's page \(path) has no link to /ayuda")
            }
            // The sign-in page too, for people who have not entered yet.
            #expect(try await browser.post("/salir").status == .seeOther)
            #expect(try await browser.get("/entrar").text.contains("<a href=\"/ayuda\">Ayuda</a>"))
        }
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return String(text[Range(range, in: text)!])
        }
    }
}
