import ConocelesCore
import Hummingbird
import NIOCore
import Storage

/// A page of the site: a Mustache template rendered with its view, inside the layout (title,
/// the account's menu, the sign-out form). Views are plain structs; every value is escaped.
struct WebPage: ResponseGenerator {
    var template: String
    var title: String
    var view: Any
    var status: HTTPResponse.Status = .ok
    var user: Account?
    var csrf: String
    /// A one-line confirmation shown above the content ("Guardado como borrador").
    var notice: String?

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let process = (context as? WebRequestContext)?.process
        let layout = LayoutView(
            title: title, body: Templates.render(template, view), user: user.map(MenuView.init(account:)), csrf: csrf,
            notice: notice, processName: process?.name ?? "", electoralBody: process?.electoralBody ?? "")
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Templates.render("layout", layout))))
    }

    /// A page with a title and one message.
    static func message(
        title: String, message: String, status: HTTPResponse.Status = .ok, user: Account?, csrf: String,
        link: LinkView? = nil
    ) -> WebPage {
        WebPage(
            template: "message", title: title, view: MessageView(title: title, message: message, link: link), status: status,
            user: user, csrf: csrf)
    }
}

struct LayoutView {
    let title: String
    let body: String
    let user: MenuView?
    let csrf: String
    let notice: String?
    let processName: String
    let electoralBody: String
}

struct MessageView {
    let title: String
    let message: String
    let link: LinkView?
}

/// A link in a menu or a page.
struct LinkView: Sendable {
    let href: String
    let label: String
}

/// The menu of a signed-in account: what its role may use.
struct MenuView {
    let name: String
    let roleLabel: String
    let links: [LinkView]

    init(account: Account) {
        name = account.displayName
        roleLabel = account.role.label
        links = Self.links(for: account.role)
    }

    static func links(for role: AccountRole) -> [LinkView] {
        switch role {
        case .candidate: [LinkView(href: "/inicio", label: "Mi perfil")]
        case .representative: [LinkView(href: "/candidaturas", label: "Candidaturas")]
        case .transparencyStaff:
            [
                LinkView(href: "/instancia/verificacion", label: "Verificación"),
                LinkView(href: "/instancia/modificaciones", label: "Modificaciones"),
                LinkView(href: "/instancia/consentimientos", label: "Consentimientos"),
                LinkView(href: "/instancia/cuentas", label: "Cuentas"),
                LinkView(href: "/instancia/cumplimiento", label: "Cumplimiento"),
                LinkView(href: "/instancia/informes", label: "Informes"),
                LinkView(href: "/instancia/eventos-rechazados", label: "Eventos rechazados"),
            ]
        case .genderEqualityStaff:
            [
                LinkView(href: "/inicio", label: "Inicio"),
                LinkView(href: "/instancia/consentimientos", label: "Consentimientos"),
                LinkView(href: "/instancia/cumplimiento", label: "Cumplimiento"),
                LinkView(href: "/instancia/informes", label: "Informes"),
            ]
        case .itStaff:
            [
                LinkView(href: "/instancia/cuentas", label: "Cuentas"),
                LinkView(href: "/instancia/trabajos", label: "Trabajos"),
                LinkView(href: "/instancia/eventos-rechazados", label: "Eventos rechazados"),
            ]
        }
    }
}

extension WebRequestContext {
    /// `template` with `view` as a page for this request's account and CSRF token.
    func page(_ template: String, title: String, _ view: Any, status: HTTPResponse.Status = .ok, notice: String? = nil) -> WebPage {
        WebPage(template: template, title: title, view: view, status: status, user: user, csrf: layoutCSRF, notice: notice)
    }

    /// A one-message page for this request.
    func message(title: String, _ message: String, status: HTTPResponse.Status = .ok, link: LinkView? = nil) -> WebPage {
        WebPage.message(title: title, message: message, status: status, user: user, csrf: layoutCSRF, link: link)
    }
}
