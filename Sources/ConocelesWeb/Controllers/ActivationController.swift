import ConocelesCore
import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import Storage

/// `/activar`: the link of the credentials e-mail. Shows the account's username and a form
/// to choose a password (bcrypt), then consumes the single-use token.
struct ActivationController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get(PublicPages.activation.route, use: show)
        router.post("/activar", use: activate)
    }

    struct ActivationForm: Decodable {
        var token: String?
        var contrasena: String?
        var confirmacion: String?
    }

    struct ActivationView {
        let csrf: String
        let token: String
        let username: String
        let displayName: String
        let minimumLength = PasswordRules.minimumLength
        let passwordError: String?
        let confirmationError: String?
    }

    @Sendable func show(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        guard let account = try await pending(token, ctx) else { return try invalidLink(request, ctx) }
        return try ctx.page("sesion/activar", title: "Activar cuenta", ActivationView(
            csrf: ctx.csrf, token: token, username: account.username, displayName: account.displayName,
            passwordError: nil, confirmationError: nil)).response(from: request, context: ctx)
    }

    @Sendable func activate(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let form = try await Forms.decode(ActivationForm.self, from: request)
        let token = form.token ?? ""
        guard let account = try await pending(token, ctx) else { return try invalidLink(request, ctx) }
        let password = form.contrasena ?? ""
        let (passwordError, confirmationError) = PasswordRules.problems(
            password: password, confirmation: form.confirmacion, username: account.username)
        guard passwordError == nil, confirmationError == nil else {
            return try ctx.page("sesion/activar", title: "Activar cuenta", ActivationView(
                csrf: ctx.csrf, token: token, username: account.username, displayName: account.displayName,
                passwordError: passwordError, confirmationError: confirmationError), status: .unprocessableContent)
                .response(from: request, context: ctx)
        }
        let hash = try await PasswordRules.hash(password)
        do {
            _ = try await AccountRepository(client: context.database.client, logger: ctx.logger)
                .activate(token: ActivationToken(value: token), passwordHash: hash)
        } catch let error as StorageError where error.code == .notFound {
            return try invalidLink(request, ctx)
        }
        ctx.logger.info("account activated", metadata: ["account_id": "\(account.id)"])
        return try ctx.message(
            title: "Cuenta activada",
            "Su cuenta está activa. Ya puede entrar con su usuario \(account.username) y la contraseña que eligió.",
            link: LinkView(href: "/entrar", label: "Entrar")
        ).response(from: request, context: ctx)
    }

    func pending(_ token: String, _ ctx: WebRequestContext) async throws -> Account? {
        guard (16...256).contains(token.utf8.count) else { return nil }
        return try await AccountRepository(client: context.database.client, logger: ctx.logger)
            .pendingActivation(token: ActivationToken(value: token))
    }

    func invalidLink(_ request: Request, _ ctx: WebRequestContext) throws -> Response {
        try ctx.message(
            title: "Enlace no válido",
            "El enlace de activación ya se usó, venció o está incompleto. Pida uno nuevo a la instancia interna responsable del \(context.process.electoralBody).",
            status: .gone
        ).response(from: request, context: ctx)
    }
}
