import ConocelesCore
import Foundation
import Hummingbird
import NIOCore

/// CSRF protection for every state-changing request (double submission, see `CSRFToken`):
/// gives each browser a token (the cookie's, or a new one set on the response) and refuses
/// a POST whose form field `csrf` (or, for file uploads, the query parameter `csrf`) does
/// not match the cookie. The signed API (`/api/`) is exempt: it authenticates by HMAC.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    /// Forms larger than this are refused before they are read (uploads use their own limits).
    static let maximumFormBytes = 256 * 1024
    let secureCookies: Bool
    /// The process served, handed to every page's footer.
    let process: ElectionProcess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.process = process
        let existing = request.cookies[CSRFToken.cookieName]?.value
        let isNew = existing.map { $0.utf8.count != 64 } ?? true
        context.csrf = isNew ? CSRFToken.generate() : existing!
        var request = request
        if request.method == .post, !request.uri.path.hasPrefix("/api/") {
            var submitted = request.uri.queryParameters.get(CSRFToken.fieldName)
            if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") ?? false {
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: Self.maximumFormBytes)
                } catch {
                    throw WebError.tooLarge(limit: "256 KB")
                }
                request.body = .init(buffer: body)
                submitted = Self.field(CSRFToken.fieldName, in: String(buffer: body)) ?? submitted
            }
            guard !isNew, CSRFToken.isValid(submitted: submitted, request: request) else { throw WebError.invalidCSRF }
        }
        var response = try await Self.respond(request, context, next)
        // The API has no forms: no cookie, so its public responses stay cacheable by shared caches.
        if isNew, !request.uri.path.hasPrefix("/api/") { response.setCookie(CSRFToken.cookie(context.csrf, secure: secureCookies)) }
        return response
    }

    /// The first value of `name` in a URL-encoded form.
    static func field(_ name: String, in form: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name) {
                return parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding : ""
            }
        }
        return nil
    }
}
