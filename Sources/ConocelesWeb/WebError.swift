import Foundation
import Hummingbird
import NIOCore
import Storage

/// Errors of the web layer, each rendered as a Spanish HTML page (or a redirect) with the
/// right status. Nothing of the refused record is shown.
enum WebError: HTTPResponseError {
    /// Nobody is signed in: redirect to the sign-in page, then back to `next`.
    case signInRequired(next: String)
    /// Signed in, but this role or this record is not theirs.
    case forbidden
    /// No such page or record.
    case notFound
    /// The form's CSRF token is missing or wrong.
    case invalidCSRF
    /// The request body is larger than the page accepts.
    case tooLarge(limit: String)

    var status: HTTPResponse.Status {
        switch self {
        case .signInRequired: .seeOther
        case .forbidden, .invalidCSRF: .forbidden
        case .notFound: .notFound
        case .tooLarge: .contentTooLarge
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let (title, message): (String, String)
        switch self {
        case .signInRequired(let next):
            let target = next.hasPrefix("/") && !next.hasPrefix("//") ? next : "/"
            let query = target == "/" ? "" : "?siguiente=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_."))) ?? "")
            return Response(status: .seeOther, headers: [.location: "/entrar" + query])
        case .forbidden:
            (title, message) = ("Sin permiso", "Su cuenta no tiene permiso para ver esta página o este registro.")
        case .notFound:
            (title, message) = ("No encontrado", "La página o el registro que busca no existe.")
        case .invalidCSRF:
            (title, message) = ("Solicitud rechazada",
                                "El formulario venció o no se envió desde esta página. Vuelva a la página anterior, recárguela e intente de nuevo.")
        case .tooLarge(let limit):
            (title, message) = ("Archivo demasiado grande", "El envío supera el límite de \(limit).")
        }
        let user = (context as? WebRequestContext)?.user
        return try WebPage.message(title: title, message: message, status: status, user: user, csrf: (context as? WebRequestContext)?.csrf ?? "")
            .response(from: request, context: context)
    }
}

/// Outermost: a path nothing serves (no route, no static file) gets the site's Spanish 404
/// page instead of an empty body.
struct NotFoundPageMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && !request.uri.path.hasPrefix("/api/") {
            return try WebError.notFound.response(from: request, context: context)
        }
    }
}
