import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TestSupport

@Suite("Activation")
struct ActivationTests {
    func withStaffAccount(_ body: @Sendable @escaping (any TestClientProtocol, Database, String) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let (_, token) = try await AccountRepository(client: db.client, logger: TestDatabase.logger).create(
                .staff(.transparencyStaff, username: "ana.transparencia", email: "ana@iepc.example", displayName: "Ana"),
                activationTTL: .seconds(3_600), by: .system("test"))
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(client, db, token.value) }
        }
    }

    /// The CSRF value of the page's form and its cookie.
    func csrf(_ response: TestResponse) throws -> (field: String, cookie: String) {
        let html = String(buffer: response.body)
        let marker = #"name="csrf" value=""#
        let start = try #require(html.range(of: marker)).upperBound
        let field = String(html[start...].prefix(64))
        let setCookie = try #require(response.headers[.setCookie])
        let cookie = String(setCookie.split(separator: ";")[0])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
        return (field, cookie)
    }

    func post(_ client: any TestClientProtocol, form: String, cookie: String?, _ check: @escaping @Sendable (TestResponse) throws -> Void) async throws {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { headers[.cookie] = cookie }
        try await client.execute(uri: "/activar", method: .post, headers: headers, body: ByteBuffer(string: form)) { try check($0) }
    }

    @Test func theLinkSetsAPasswordOnceAndOnlyWithTheFormsCSRF() async throws {
        try await withStaffAccount { client, db, token in
            var page: (field: String, cookie: String) = ("", "")
            try await client.execute(uri: "/activar?token=\(token)", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("ana.transparencia"))
                #expect(r.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                page = try csrf(r)
            }
            let good = "token=\(token)&csrf=\(page.field)&contrasena=una-clave-larga-2024&confirmacion=una-clave-larga-2024"
            try await post(client, form: good, cookie: nil) { #expect($0.status == .forbidden) }
            try await post(client, form: good, cookie: "conoceles_csrf=" + String(repeating: "0", count: 64)) { #expect($0.status == .forbidden) }
            let short = "token=\(token)&csrf=\(page.field)&contrasena=corta&confirmacion=corta"
            try await post(client, form: short, cookie: page.cookie) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("al menos 12 caracteres"))
            }
            let mismatch = "token=\(token)&csrf=\(page.field)&contrasena=una-clave-larga-2024&confirmacion=otra-clave-larga-2024"
            try await post(client, form: mismatch, cookie: page.cookie) { r in
                #expect(String(buffer: r.body).contains("no coincide"))
            }
            try await post(client, form: good, cookie: page.cookie) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Su cuenta está activa"))
            }
            let (account, hash) = try #require(
                try await AccountRepository(client: db.client, logger: TestDatabase.logger)
                    .credentials(username: "ana.transparencia"))
            #expect(account.activatedAt != nil)
            #expect(hash.hasPrefix("$2") && Bcrypt.verify("una-clave-larga-2024", hash: hash))
            // Single use: the same link no longer works.
            try await client.execute(uri: "/activar?token=\(token)", method: .get) { #expect($0.status == .gone) }
            try await post(client, form: good, cookie: page.cookie) { #expect($0.status == .gone) }
        }
    }

    @Test func aWrongOrMissingTokenExplainsItself() async throws {
        try await withStaffAccount { client, _, _ in
            for uri in ["/activar", "/activar?token=abc", "/activar?token=" + String(repeating: "z", count: 43)] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .gone)
                    #expect(String(buffer: r.body).contains("El enlace de activación ya se usó, venció o está incompleto"))
                }
            }
        }
    }
}
