import HTTPTypes
import Hummingbird
import JobQueue

/// A deadline on every request, around the whole router (`http.request_timeout_seconds`,
/// 30 s by default): a request still unanswered then gets a Spanish 503 with Retry-After,
/// with the security headers, and its work is cancelled.
///
/// It holds even when the work ignores cancellation: a PostgresNIO query on a connection
/// the server dropped (a PostgreSQL restart) is never failed, and without this the request
/// hung until the client gave up (docs/RELIABILITY.md). It sits outside the router because
/// a middleware's `next` may not outlive its call, and the work of an overdue request is
/// left to end on its own (`Deadline.run`). Responses that stream their body after the
/// handler returned are not covered past that point.
public struct RequestDeadlineResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == WebRequestContext {
    public typealias Context = WebRequestContext

    let inner: Inner
    let limit: Duration
    let strictTransportSecurity: Bool
    let admission: FormAdmission

    public init(_ inner: Inner, limit: Duration, strictTransportSecurity: Bool) {
        self.init(inner, limit: limit, strictTransportSecurity: strictTransportSecurity, admission: .shared)
    }

    init(_ inner: Inner, limit: Duration, strictTransportSecurity: Bool, admission: FormAdmission) {
        self.inner = inner
        self.limit = limit
        self.strictTransportSecurity = strictTransportSecurity
        self.admission = admission
    }

    /// The forms whose answer waits for bcrypt (`PasswordHashing`): in a sign-in storm they
    /// queue for the pool, in order (200 sign-ins at once take about 27 s on 2 cores), and that
    /// wait is not a stuck request. They get `passwordFormFactor` times the limit.
    static var passwordForms: Set<String> { ["/entrar", "/activar", "/restablecer"] }
    static var passwordFormFactor: Int { 4 }

    /// The deadline of `request`.
    func limit(for request: Request) -> Duration {
        request.method == .post && Self.passwordForms.contains(request.uri.path) ? limit * Self.passwordFormFactor : limit
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let inner = self.inner
        do {
            // A form saved during a sign-in storm waits for its turn first; its deadline starts
            // when it is admitted (`FormAdmission`).
            guard FormAdmission.applies(to: request) else {
                return try await Deadline.run(limit: limit(for: request)) { try await inner.respond(to: request, context: context) }
            }
            return try await admission.run {
                try await Deadline.run(limit: limit(for: request)) { try await inner.respond(to: request, context: context) }
            }
        } catch let exceeded as Deadline.Exceeded {
            context.logger.warning(
                "request deadline exceeded",
                metadata: [
                    "path": "\(request.uri.path)", "method": "\(request.method.rawValue)", "limit": "\(exceeded.limit)",
                ])
            let message = "El servidor tardó demasiado en responder; intente de nuevo en unos segundos."
            var response =
                request.uri.path.hasPrefix("/api/")
                ? try ProblemDetails(status: .serviceUnavailable, code: "service_unavailable", title: message)
                    .response(from: request, context: context)
                : try WebPage.message(title: "Servicio no disponible", message: message, status: .serviceUnavailable, user: nil, csrf: "")
                    .response(from: request, context: context)
            response.headers[.retryAfter] = "5"
            SecurityHeadersMiddleware<Context>.apply(to: &response, strictTransportSecurity: strictTransportSecurity)
            return response
        }
    }
}
