import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Storage
import Testing
import TestSupport

/// What the hostile-input and security e2e suites (Tests/e2e/test_hostile_input.py,
/// test_security.py) found broken, pinned in-process: each test failed before its fix.
@Suite("Hostile input regressions")
struct HostileInputRegressionTests {
    func withSite(secureCookies: Bool = false, _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
            let base = testContext(db, process)
            let context = WebContext(
                database: db, process: process, catalogs: jaliscoCatalogs, eventSecret: testEventSecret,
                cipher: testCipher, blobs: base.blobs, secureCookies: secureCookies)
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in try await body(client) }
        }
    }

    static func expectSecurityHeaders(_ r: TestResponse, hsts: Bool = false) {
        #expect(r.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        #expect(r.headers[.xContentTypeOptions] == "nosniff")
        #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
        #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        #expect((r.headers[HTTPField.Name("Strict-Transport-Security")!] != nil) == hsts)
    }

    /// U+0000 or half a surrogate pair as a JSON escape reached PostgreSQL's jsonb, which
    /// refused it: a 500 (found by schemathesis and the event fuzzing).
    @Test func anEventWithACharacterJsonbRefusesIsA400Problem() async throws {
        try await withSite { client in
            for json in [
                EventsApiTests.approval(name: #"Ana\u0000 Pérez"#), EventsApiTests.approval(id: #"evt-\u0000"#),
                EventsApiTests.approval(name: #"Ana \ud800 Pérez"#), EventsApiTests.approval(name: #"Ana \udc00"#),
            ] {
                try await EventsApiTests().post(client, json) { r in
                    #expect(r.status == .badRequest)
                    #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    // Foundation's decoder may refuse a lone surrogate first (malformed_json); U+0000 it decodes.
                    #expect(String(buffer: r.body).contains("invalid_character") || !json.contains("u0000"))
                }
            }
            // An escaped backslash followed by "u0000" is ordinary text.
            try await EventsApiTests().post(client, EventsApiTests.approval(name: #"Ana \\u0000 Pérez"#)) { r in
                #expect(r.status == .accepted)
            }
        }
    }

    @Test func theDetectorReadsEscapesExactly() {
        let refused = [
            #"{"a":"\u0000"}"#, #"{"a":"\\\u0000"}"#, "{\u{0}}", #"{"a":"\ud83d"}"#, #"{"a":"\ud83d x"}"#,
            #"{"a":"\ude00\ud83d"}"#, #"{"a":"\ud83d\n"}"#, #"{"a":"\ud83d\ud83d\ude00"}"#,
        ]
        let accepted = [
            #"{"a":"\\u0000"}"#, #"{"a":"\u0001 u0000"}"#, #"{"a":"\ud83d\ude00"}"#, #"{"a":"\\ud800"}"#,
            #"{"a":"\"\u00e9\\"}"#, "{\"a\":\"😀\"}",
        ]
        for text in refused { #expect(EventsController.containsUnstorableCharacter(Array(text.utf8)), "\(text)") }
        for text in accepted { #expect(!EventsController.containsUnstorableCharacter(Array(text.utf8)), "\(text)") }
    }

    /// The 404 page was rendered outside the security-headers middleware: no CSP on it.
    @Test func errorPagesCarryTheSecurityHeaders() async throws {
        try await withSite { client in
            try await client.execute(uri: "/no-existe", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains("No encontrado"))
                Self.expectSecurityHeaders(r)
            }
            try await client.execute(uri: "/api/v1/no-existe", method: .get) { r in
                #expect(r.status == .notFound)
                Self.expectSecurityHeaders(r)
            }
        }
    }

    /// A malformed form body was answered with Hummingbird's JSON error on an HTML page.
    @Test func aMalformedFormIsASpanishPage() async throws {
        try await withSite { client in
            let browser = Browser(client)
            try await browser.get("/entrar")
            let csrf = browser.currentCSRF ?? ""
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let r = try await browser.send(
                "/entrar", method: .post, headers: headers,
                body: ByteBuffer(string: "usuario=a&siguiente=%zz%&contrasena=b&csrf=\(csrf)"))
            #expect(r.status == .badRequest)
            #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: r.body).contains("El formulario llegó incompleto"))
            Self.expectSecurityHeaders(r)
        }
    }

    /// U+0000 in a query parameter or a form field reached PostgreSQL, which refused it: a 500.
    @Test func aNULInTheAddressOrAFormIsA400() async throws {
        try await withSite { client in
            try await client.execute(uri: "/api/v1/publico/candidaturas?nombre=a%00b", method: .get) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                Self.expectSecurityHeaders(r)
            }
            try await client.execute(uri: "/candidaturas-publicas?nombre=%00", method: .get) { r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("carácter que no se admite"))
            }
            let browser = Browser(client)
            let r = try await browser.post("/entrar", [("usuario", "ana\u{0}"), ("contrasena", "x")])
            #expect(r.status == .badRequest)
            #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    /// HSTS only when the site is served over TLS (public URL https → secure cookies).
    @Test func strictTransportSecurityOnlyBehindHTTPS() async throws {
        try await withSite(secureCookies: true) { client in
            try await client.execute(uri: "/entrar", method: .get) { r in Self.expectSecurityHeaders(r, hsts: true) }
            try await client.execute(uri: "/no-existe", method: .get) { r in Self.expectSecurityHeaders(r, hsts: true) }
        }
        try await withSite(secureCookies: false) { client in
            try await client.execute(uri: "/entrar", method: .get) { r in Self.expectSecurityHeaders(r, hsts: false) }
        }
    }
}
