import Foundation
import Hummingbird
import JobQueue
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
    /// The form's body is not a URL-encoded form this page understands (or holds U+0000).
    case invalidForm
    /// The address holds a character no page accepts (U+0000).
    case invalidAddress
    /// A write to a withdrawn (substituted or cancelled) candidacy: read-only but for staff.
    case withdrawn

    var status: HTTPResponse.Status {
        switch self {
        case .signInRequired: .seeOther
        case .forbidden, .invalidCSRF: .forbidden
        case .notFound: .notFound
        case .tooLarge: .contentTooLarge
        case .invalidForm, .invalidAddress: .badRequest
        case .withdrawn: .conflict
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let (title, message): (String, String)
        switch self {
        case .signInRequired(let next):
            let target = LocalRedirect.path(next) ?? "/"
            let query =
                target == "/"
                ? "" : "?siguiente=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_."))) ?? "")
            return Response(status: .seeOther, headers: [.location: "/entrar" + query])
        case .forbidden:
            (title, message) = ("Sin permiso", "Su cuenta no tiene permiso para ver esta página o este registro.")
        case .notFound:
            (title, message) = ("No encontrado", "La página o el registro que busca no existe.")
        case .invalidCSRF:
            (title, message) = (
                "Solicitud rechazada",
                "El formulario venció o no se envió desde esta página. Vuelva a la página anterior, recárguela e intente de nuevo."
            )
        case .tooLarge(let limit):
            (title, message) = ("Archivo demasiado grande", "El envío supera el límite de \(limit).")
        case .invalidForm:
            (title, message) = ("Solicitud no válida", "El formulario llegó incompleto o con un formato que no se reconoce.")
        case .invalidAddress:
            (title, message) = ("Solicitud no válida", "La dirección contiene un carácter que no se admite (%00).")
        case .withdrawn:
            (title, message) = (
                "Candidatura retirada",
                "Esta candidatura fue sustituida o cancelada: su información ya no se puede modificar. No se guardó nada."
            )
        }
        let user = (context as? WebRequestContext)?.user
        return try WebPage.message(title: title, message: message, status: status, user: user, csrf: (context as? WebRequestContext)?.layoutCSRF ?? "")
            .response(from: request, context: context)
    }
}

/// Just inside `SecurityHeadersMiddleware`: turns every error a route or a middleware throws
/// into the site's answer, so that no error leaves as Hummingbird's bare default (an empty 500,
/// or a JSON body on an HTML page) and every error answer carries the security headers.
/// A path nothing serves gets the Spanish 404 page; other `HTTPError`s a Spanish page that
/// says what their status means; under `/api/` an RFC 9457 problem; the database unreachable
/// (a restart) a 503 with Retry-After; a `StorageError` its `status` and Spanish message; any other unexpected error is logged and answered with
/// a Spanish 500 that reveals nothing of it.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let api = request.uri.path.hasPrefix("/api/")
        do {
            return try await next(request, context)
        } catch let error as WebError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            if error.status == .notFound && !api { return try WebError.notFound.response(from: request, context: context) }
            // Hummingbird's own messages are English: the answer says in Spanish what the status means.
            let message = Self.spanish(error.status)
            var response =
                api
                ? try ProblemDetails(status: error.status, code: "http_\(error.status.code)", title: message)
                    .response(from: request, context: context)
                : try WebPage.message(
                    title: "Solicitud no válida", message: message, status: error.status, user: context.user,
                    csrf: context.layoutCSRF
                ).response(from: request, context: context)
            for field in error.headers { response.headers.append(field) }
            return response
        } catch let error as HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch let error as StorageError where error.code != .invalidStoredData {
            // A refusal no route turned into its own page: its status (`StorageError.status`) and Spanish message.
            context.logger.notice("storage refusal", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return api
                ? try ProblemDetails(status: error.status, code: error.code.rawValue, title: error.message).response(from: request, context: context)
                : try WebPage.message(
                    title: "No se pudo completar", message: error.message, status: error.status, user: context.user,
                    csrf: context.layoutCSRF
                ).response(from: request, context: context)
        } catch  where PostgresErrorText.isUnavailable(error) || error is Deadline.Exceeded {
            // The database is restarting or unreachable (or a statement got no answer in time,
            // as on a connection it dropped): worth sending again in a moment.
            context.logger.warning("database unavailable", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            let message = "El servicio no está disponible por un momento; intente de nuevo en unos segundos."
            var response =
                api
                ? try ProblemDetails(status: .serviceUnavailable, code: "service_unavailable", title: message).response(from: request, context: context)
                : try WebPage.message(
                    title: "Servicio no disponible", message: message, status: .serviceUnavailable, user: context.user,
                    csrf: context.layoutCSRF
                ).response(from: request, context: context)
            response.headers[.retryAfter] = "5"
            return response
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            if api {
                return try ProblemDetails(
                    status: .internalServerError, code: "internal_error",
                    title: "Ocurrió un error interno; intente de nuevo en unos momentos."
                )
                .response(from: request, context: context)
            }
            return try WebPage.message(
                title: "Error interno", message: "Ocurrió un error interno; intente de nuevo en unos momentos.",
                status: .internalServerError, user: context.user, csrf: context.layoutCSRF
            )
            .response(from: request, context: context)
        }
    }

    /// What an error status means, for the person who sent the request.
    static func spanish(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "La página o el registro que busca no existe."
        case 405: "Esta dirección no admite ese tipo de solicitud."
        case 413: "El envío supera el tamaño permitido."
        case 415: "El tipo de contenido enviado no se admite."
        default: "La solicitud no se pudo atender: llegó incompleta o con un formato que no se reconoce."
        }
    }
}
