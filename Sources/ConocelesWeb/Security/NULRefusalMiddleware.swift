import Hummingbird

/// Refuses, with a 400, a request whose path or query holds the character U+0000 (`%00`):
/// no page or record has it, and PostgreSQL refuses it in any text parameter, so it would
/// otherwise reach a query and fail there with a 500 (found by test_hostile_input.py and
/// schemathesis). Forms are checked by `Forms.decode`, event bodies by `EventsController`.
struct NULRefusalMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.holdsNUL(request.uri.description) else { return try await next(request, context) }
        if request.uri.path.hasPrefix("/api/") {
            return try ProblemDetails(
                status: .badRequest, code: "invalid_character",
                title: "La dirección contiene el carácter nulo (%00), que no se admite."
            )
            .response(from: request, context: context)
        }
        throw WebError.invalidAddress
    }

    /// Whether `text` (a URI as sent, percent-encoded) encodes U+0000.
    static func holdsNUL(_ text: String) -> Bool {
        text.utf8.contains(0) || text.range(of: "%00", options: .caseInsensitive) != nil
    }
}
