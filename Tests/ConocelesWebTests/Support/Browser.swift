import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A browser for router tests: keeps the cookies the site sets, sends them back, and fills
/// in the CSRF field of every form it posts (as the page's hidden field would).
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    private let lock = NSLock()

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// GET `uri` with the cookies.
    @discardableResult
    func get(_ uri: String) async throws -> TestResponse {
        try await send(uri, method: .get, headers: [:], body: nil)
    }

    /// POST a URL-encoded form (plus the CSRF field unless `csrf` is false).
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)] = [], csrf: Bool = true) async throws -> TestResponse {
        if csrf, currentCSRF == nil { try await get("/entrar") }
        var all = fields
        if csrf, let token = currentCSRF { all.append(("csrf", token)) }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(string: Self.encode(all)))
    }

    /// POST a raw body with a content type (uploads); the CSRF token goes in the query.
    @discardableResult
    func upload(_ uri: String, contentType: String, body: ByteBuffer) async throws -> TestResponse {
        if currentCSRF == nil { try await get("/entrar") }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        let separator = uri.contains("?") ? "&" : "?"
        return try await send(uri + separator + "csrf=" + (currentCSRF ?? ""), method: .post, headers: headers, body: body)
    }

    /// Signs in through the form; the response is the redirect.
    @discardableResult
    func signIn(_ username: String, _ password: String = WebFixtures.password) async throws -> TestResponse {
        try await post("/entrar", [("usuario", username), ("contrasena", password)])
    }

    /// Sets a cookie as another site or person could have left it in this browser.
    func plant(_ name: String, _ value: String) {
        lock.withLock { cookies[name] = value }
    }

    var currentCSRF: String? { lock.withLock { cookies["conoceles_csrf"] } }

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        let jar = lock.withLock { cookies }
        if !jar.isEmpty { headers[.cookie] = jar.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            lock.withLock {
                if value.isEmpty || field.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
        }
        return response
    }

    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
    /// The Location header.
    var location: String? { headers[.location] }
}
