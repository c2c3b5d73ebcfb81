import HTTPTypes
import Hummingbird

/// Security headers on every response: a strict Content-Security-Policy (no inline
/// scripts, no framing), no MIME sniffing, no referrer leaks (activation links carry tokens),
/// and, when the site is served over TLS (its public URL is https), Strict-Transport-Security.
/// Outermost but for the request log, so error pages (`ErrorPageMiddleware`) carry them too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Whether to send HSTS (one year, subdomains included); default off (plain HTTP).
    var strictTransportSecurity = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.apply(to: &response, strictTransportSecurity: strictTransportSecurity)
        return response
    }

    /// Sets the headers on `response` (also used for answers made outside the router:
    /// `RequestDeadlineResponder`).
    static func apply(to response: inout Response, strictTransportSecurity: Bool) {
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if strictTransportSecurity {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000; includeSubDomains"
        }
    }
}
