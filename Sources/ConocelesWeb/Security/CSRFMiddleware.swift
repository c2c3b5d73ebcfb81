import ConocelesCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// CSRF protection for every state-changing request (double submission, see `CSRFToken`):
/// gives each browser a token (the cookie's, or a new one set on the response of the first
/// page that shows a form) and refuses
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
        let slot = CSRFTokenSlot(existing: isNew ? nil : existing)
        context.csrfSlot = slot
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
        // A new token is set only when the page used it (a form): public pages without forms
        // and the API send no cookie, so shared caches may keep them.
        if let created = slot.created { response.setCookie(CSRFToken.cookie(created, secure: secureCookies)) }
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

/// This browser's CSRF token for one request: the cookie's, or a new one made the first time
/// a page reads it. Shared by the copies of the request context, so that after the response
/// `CSRFMiddleware` knows whether to set the cookie and `PageCacheMiddleware` whether the page
/// shows the token.
final class CSRFTokenSlot: Sendable {
    private struct State {
        var value: String?
        var made = false
        var read = false
    }
    private let state: Mutex<State>

    /// A slot holding the browser's valid token, or none yet.
    init(existing: String?) { state = Mutex(State(value: existing)) }

    /// The token, made now if the browser had none.
    var token: String {
        state.withLock { state in
            state.read = true
            if let value = state.value { return value }
            let made = CSRFToken.generate()
            state.value = made
            state.made = true
            return made
        }
    }

    /// The token made during this request, if one was (the response must set its cookie).
    var created: String? { state.withLock { $0.made ? $0.value : nil } }

    /// Whether anything read the token during this request (it may be in the page).
    var wasRead: Bool { state.withLock { $0.read } }
}
