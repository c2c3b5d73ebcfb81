import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("Sign-in, sign-out and password reset")
struct SessionTests {
    func withSite(_ body: @Sendable @escaping (Browser, Database) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [])
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(Browser(client), db) }
        }
    }

    @Test func signInStartsASessionAndSignOutEndsIt() async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            // A page that needs a session sends the person to sign in, remembering where to return.
            let refused = try await browser.get("/inicio")
            #expect(refused.status == .seeOther)
            #expect(refused.location == "/entrar?siguiente=/inicio")
            let response = try await browser.signIn("ana.staff")
            #expect(response.status == .seeOther)
            #expect(response.location == "/inicio")
            let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("conoceles_sesion=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            #expect(try await browser.get("/inicio").location == "/instancia/verificacion")
            // The session is in PostgreSQL, stored as a hash only.
            let stored = try await db.client.query("SELECT count(*) FROM web_sessions").collect().first?.decode(Int.self)
            #expect(stored == 1)
            #expect(try await browser.post("/salir").location == "/entrar")
            #expect(try await browser.get("/inicio").status == .seeOther)
            #expect(try await db.client.query("SELECT count(*) FROM web_sessions").collect().first?.decode(Int.self) == 0)
        }
    }

    @Test(arguments: [
        (AccountRole.transparencyStaff, "/instancia/verificacion"), (.genderEqualityStaff, "/instancia/cumplimiento"),
        (.itStaff, "/instancia/cuentas"),
    ])
    func eachStaffRoleStartsInItsArea(role: AccountRole, home: String) async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, role, username: "persona.staff")
            _ = try await browser.signIn("persona.staff")
            #expect(try await browser.get("/inicio").location == home)
            #expect(try await browser.get(home).status == .ok)
        }
    }

    @Test func wrongPasswordAndUnknownUserGetTheSameAnswer() async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            let wrong = try await browser.signIn("ana.staff", "no-es-la-clave")
            let unknown = try await browser.signIn("nadie.aqui", "no-es-la-clave")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.text.contains("El usuario o la contraseña no son correctos."))
            #expect(unknown.text.contains("El usuario o la contraseña no son correctos."))
            #expect(browser.cookies["conoceles_sesion"] == nil)
        }
    }

    @Test func attemptsAreLimitedPerAccount() async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            for _ in 0..<5 { #expect(try await browser.signIn("ana.staff", "equivocada-1234").status == .unauthorized) }
            // The sixth attempt is refused even with the right password.
            let limited = try await browser.signIn("ana.staff")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.text.contains("Demasiados intentos"))
            #expect(browser.cookies["conoceles_sesion"] == nil)
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            let missing = try await browser.post("/entrar", [("usuario", "ana.staff"), ("contrasena", WebFixtures.password)], csrf: false)
            #expect(missing.status == .forbidden)
            let wrong = try await browser.post(
                "/entrar",
                [
                    ("usuario", "ana.staff"), ("contrasena", WebFixtures.password),
                    ("csrf", String(repeating: "a", count: 64)),
                ], csrf: false)
            #expect(wrong.status == .forbidden)
            #expect(wrong.text.contains("Solicitud rechazada"))
            #expect(browser.cookies["conoceles_sesion"] == nil)
        }
    }

    @Test func anExpiredSessionSignsThePersonOut() async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await browser.signIn("ana.staff")
            try await db.client.query("UPDATE web_sessions SET expires_at = now() - interval '1 second'")
            #expect(try await browser.get("/inicio").status == .seeOther)
            #expect(browser.cookies["conoceles_sesion"] == nil)
        }
    }

    @Test func aPlantedSessionCookieNeverBecomesTheVictimsSession() async throws {
        try await withSite { browser, db in
            try await WebFixtures.staffAccount(db, .itStaff, username: "atacante")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            // The attacker's own valid session token, planted in the victim's browser.
            let attacker = Browser(browser.client)
            try await attacker.signIn("atacante")
            let planted = try #require(attacker.cookies["conoceles_sesion"])
            let victim = Browser(browser.client)
            _ = try await victim.get("/entrar")
            victim.plant("conoceles_sesion", planted)
            let signedIn = try await victim.signIn("ana.staff")
            #expect(signedIn.status == .seeOther)
            let issued = try #require(victim.cookies["conoceles_sesion"])
            #expect(issued != planted)
            // The planted token does not carry the victim's session (it was ended at sign-in).
            #expect(try await attacker.get("/inicio").status == .seeOther)
            #expect(attacker.cookies["conoceles_sesion"] == nil)
            #expect(try await victim.get("/inicio").location == "/instancia/verificacion")
        }
    }

    @Test func signInRedirectsOnlyWithinTheSite() async throws {
        #expect(SessionController.localPath("/candidaturas?x=1") == "/candidaturas?x=1")
        #expect(SessionController.localPath("//evil.example/") == "/")
        #expect(SessionController.localPath("https://evil.example/") == "/")
        #expect(SessionController.localPath("/\\evil.example") == "/")
    }

    @Test func passwordResetSetsANewPasswordOnceAndEndsSessions() async throws {
        try await withSite { browser, db in
            let account = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await browser.signIn("ana.staff")
            let answer = try await browser.post("/recuperar", [("usuario", "staff@example.org")])
            #expect(answer.text.contains("Si el usuario o correo corresponde"))
            let unknown = try await browser.post("/recuperar", [("usuario", "nadie@example.org")])
            #expect(unknown.text.contains("Si el usuario o correo corresponde"))
            let queued = try await db.client.query("SELECT args->>'account_id' FROM jobs WHERE kind = 'mail.password_reset'")
                .collect().map { try $0.decode(String.self) }
            // The real account's job, and a decoy for the address nothing matched (see requestReset).
            #expect(queued.count == 2 && queued.contains(account.id.uuidString))
            #expect(queued.contains(SessionController.decoyAccountID("nadie@example.org").uuidString))
            // The job issues the token; here the repository does what the job does.
            let token = try await PasswordResetRepository(client: db.client, logger: TestDatabase.logger).issue(accountID: account.id)
            #expect(try await browser.get("/restablecer?token=\(token.value)").text.contains("ana.staff"))
            let short = try await browser.post("/restablecer", [("token", token.value), ("contrasena", "corta"), ("confirmacion", "corta")])
            #expect(short.status == .unprocessableContent)
            #expect(short.text.contains(#"aria-describedby="contrasena-error""#))
            let good = try await browser.post(
                "/restablecer",
                [
                    ("token", token.value), ("contrasena", "otra-clave-muy-larga"),
                    ("confirmacion", "otra-clave-muy-larga"),
                ])
            #expect(good.text.contains("Su contraseña nueva quedó guardada"))
            // The reset ended the open session, and the link works only once.
            #expect(try await browser.get("/inicio").status == .seeOther)
            #expect(try await browser.get("/restablecer?token=\(token.value)").status == .gone)
            #expect(try await browser.signIn("ana.staff", WebFixtures.password).status == .unauthorized)
            #expect(try await browser.signIn("ana.staff", "otra-clave-muy-larga").location == "/inicio")
        }
    }

    @Test func everyTemplateParses() {
        #expect(Templates.names.contains("layout"))
        #expect(Templates.names.contains("sesion/entrar"))
        for name in Templates.names { #expect(Templates.library.getTemplate(named: name) != nil, "\(name)") }
    }
}

@Suite("Static files and unknown pages")
struct StaticFilesTests {
    @Test func stylesAndScriptsAreServedAndUnknownPathsGetASpanishPage() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                let browser = Browser(client)
                let css = try await browser.get("/estatico/conoceles.css")
                #expect(css.status == .ok && css.text.contains("--acento"))
                let js = try await browser.get("/estatico/conoceles.js")
                #expect(js.status == .ok && js.text.contains("data-limite"))
                let missing = try await browser.get("/no-existe")
                #expect(missing.status == .notFound && missing.text.contains("La página o el registro que busca no existe."))
            }
        }
    }
}
