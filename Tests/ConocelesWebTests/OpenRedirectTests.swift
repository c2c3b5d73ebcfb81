@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// Issue 19: `GET /entrar?siguiente=%2F%09%2Fevil.example%2F` then a valid sign-in answered
/// `Location: /<TAB>/evil.example/`, which browsers follow to `//evil.example/`. A redirect
/// target is now only a plain path of this site (`LocalRedirect`).
@Suite("Open redirect after sign-in")
struct OpenRedirectTests {
    /// Targets that a browser would take off-site (or that hide a slash, a backslash, a
    /// control character or a second decoding), collected from the usual bypass lists.
    static let bypasses: [String] = [
        "//evil.example/", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
        "/\\/evil.example", "/\t/evil.example/", "/\n/evil.example", "/\r\n/evil.example", "/\r/evil.example", "/ /evil.example",
        "/\u{0B}/evil.example", "/\u{0C}/evil.example", "/\u{00}/evil.example", "/\u{7F}/evil.example", "\t//evil.example", " //evil.example",
        "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%5c%5cevil.example", "/%09/evil.example",
        "/%0A/evil.example", "/%0d%0a/evil.example", "/%00/evil.example", "/%7F/evil.example", "/%252F/evil.example", "/%25252F/evil.example",
        "/.//evil.example", "/..//evil.example", "/./\\evil.example", "/%2e%2e//evil.example", "/%2E/%2E%2E//evil.example", "/a/../..//evil.example",
        "https://evil.example/", "http:evil.example", "HTTPS://evil.example", "https:/evil.example", "//evil.example@conoceles",
        "javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)", "java\tscript:alert(1)", "jav&#x09;ascript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "evil.example", "@evil.example", "?//evil.example", "#//evil.example",
        "/\u{FF0F}evil.example", "\u{FF0F}\u{FF0F}evil.example", "/\u{3000}/evil.example", "/\u{2028}/evil.example", "/\u{200B}/evil.example",
        "/\u{2215}\u{2215}evil.example", "/%", "/%G0", "/%2", "/<script>", "/\"onmouseover=alert(1)", "/`x`", "/a b", "",
        "/" + String(repeating: "a", count: 600),
    ]

    /// Paths of this site that stay as they are.
    static let kept = [
        "/candidaturas?x=1", "/candidaturas/PAN-1/curricular", "/perfil/A%20B", "/instancia/verificacion?estado=completo&pagina=2",
        "/instancia/trabajos?estado=falla&x=//y", "/inicio",
    ]

    @Test func everyKnownBypassIsRefusedAndSitePathsAreKept() {
        for target in Self.bypasses { #expect(LocalRedirect.path(target) == nil, "\(target.debugDescription)") }
        for target in Self.kept { #expect(LocalRedirect.path(target) == target) }
        #expect(SessionController.localPath("/%2F%09/evil") == "/")
    }

    @Test func theReportedRequestThenAValidSignInStaysOnTheSite() async throws {
        try await SecuritySite.with { browser, db async throws in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            // The exact request of the issue.
            let page = try await browser.get("/entrar?siguiente=%2F%09%2Fevil.example%2F")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"name="siguiente" value="/""#))
            #expect(!page.text.contains("evil.example"))
            let signedIn = try await browser.post("/entrar", [("usuario", "ana.staff"), ("contrasena", WebFixtures.password), ("siguiente", "/")])
            #expect(signedIn.status == .seeOther && signedIn.location == "/inicio")
        }
    }

    @Test func noBypassReachesTheLocationHeader() async throws {
        try await SecuritySite.with { browser, db async throws in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            for target in Self.bypasses {
                let query = target.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
                // A NUL is refused outright (400) before any page; everything else gets the form going home.
                let page = try await Browser(browser.client).get("/entrar?siguiente=\(query)")  // signed out
                #expect(page.status == .ok || (target.contains("\u{00}") && page.status == .badRequest), "\(target.debugDescription)")
                if page.status == .ok { #expect(page.text.contains(#"name="siguiente" value="/""#), "\(target.debugDescription)") }
                // Even a form posted with the bypass itself (the field is hidden, not trusted).
                let signedIn = try await browser.post("/entrar", [("usuario", "ana.staff"), ("contrasena", WebFixtures.password), ("siguiente", target)])
                #expect(
                    signedIn.location == "/inicio" || (target.contains("\u{00}") && signedIn.status == .badRequest),
                    "\(target.debugDescription) → \(signedIn.location ?? "nil")")
            }
            for target in Self.kept where target != "/inicio" {
                let signedIn = try await browser.post("/entrar", [("usuario", "ana.staff"), ("contrasena", WebFixtures.password), ("siguiente", target)])
                #expect(signedIn.location == target)
            }
        }
    }
}
