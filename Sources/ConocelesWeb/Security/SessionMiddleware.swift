import Hummingbird
import Storage

/// Resolves the session cookie to its account (`context.user`) on every request. An unknown
/// or expired cookie is simply ignored (the person is signed out) and cleared.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    static let cookieName = "conoceles_sesion"
    let sessions: SessionRepository
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var stale = false
        if let value = request.cookies[Self.cookieName]?.value, (16...256).contains(value.utf8.count) {
            let token = SecretToken(value: value)
            if let account = try await sessions.resolve(token) {
                context.user = account
                context.sessionToken = token
            } else {
                stale = true
            }
        }
        var response = try await Self.respond(request, context, next)
        if stale, response.headers[.setCookie] == nil { response.setCookie(Self.expiredCookie(secure: secureCookies)) }
        return response
    }

    /// The cookie that carries a session: HttpOnly, SameSite=Lax (links from e-mails keep the
    /// session), Secure behind https. No Max-Age: it ends with the browser, and the server
    /// expires it anyway.
    static func cookie(_ token: SecretToken, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token.value, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that deletes the session cookie.
    static func expiredCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}

extension RouterMiddleware where Context == WebRequestContext {
    /// The response of `next`, with a thrown `WebError` turned into its response here, so the
    /// middleware can still add its cookies to an error page or a redirect. Other errors go on
    /// (an unknown path's 404 must reach the static files' middleware as an error).
    static func respond(_ request: Request, _ context: Context, _ next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as WebError {
            return try error.response(from: request, context: context)
        }
    }
}
