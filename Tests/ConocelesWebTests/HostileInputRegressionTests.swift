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
            let context = WebContext(database: db, process: process, catalogs: jaliscoCatalogs, eventSecret: testEventSecret,
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

    /// U+0000 as a JSON escape reached PostgreSQL's jsonb, which refused it: a 500.
    @Test func anEventWithANULCharacterIsA400Problem() async throws {
        try await withSite { client in
            for json in [EventsApiTests.approval(name: #"Ana\u0000 Pérez"#), EventsApiTests.approval(id: #"evt-\u0000"#)] {
                try await EventsApiTests().post(client, json) { r in
                    #expect(r.status == .badRequest)
                    #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    #expect(String(buffer: r.body).contains("nul_character"))
                }
            }
            // An escaped backslash followed by "u0000" is ordinary text.
            try await EventsApiTests().post(client, EventsApiTests.approval(name: #"Ana \\u0000 Pérez"#)) { r in
                #expect(r.status == .accepted)
            }
        }
    }

    @Test func theNULDetectorReadsEscapesExactly() {
        #expect(EventsController.containsNUL(Array(#"{"a":"\u0000"}"#.utf8)))
        #expect(EventsController.containsNUL(Array(#"{"a":"\\\u0000"}"#.utf8)))
        #expect(EventsController.containsNUL([0x7B, 0x00, 0x7D]))
        #expect(!EventsController.containsNUL(Array(#"{"a":"\\u0000"}"#.utf8)))
        #expect(!EventsController.containsNUL(Array(#"{"a":"\u0001 u0000"}"#.utf8)))
        #expect(!EventsController.containsNUL(Array(#"{"a":"\u000"#.utf8)))
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
            let r = try await browser.send("/entrar", method: .post, headers: headers,
                                           body: ByteBuffer(string: "usuario=a&siguiente=%zz%&contrasena=b&csrf=\(csrf)"))
            #expect(r.status == .badRequest)
            #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: r.body).contains("El formulario llegó incompleto"))
            Self.expectSecurityHeaders(r)
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
