import ConocelesCore
import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import Storage

/// `/activar`: the link of the credentials e-mail. Shows the account's username and a form
/// to choose a password (bcrypt), then consumes the single-use token.
struct ActivationController {
    let context: WebContext
    /// Minimum password length, in characters.
    static let minimumPasswordLength = 12

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/activar", use: show)
        router.post("/activar", use: activate)
    }

    struct ActivationForm: Decodable {
        var token: String?
        var password: String?
        var passwordConfirmation: String?
        var csrf: String?

        enum CodingKeys: String, CodingKey {
            case token, csrf
            case password = "contrasena"
            case passwordConfirmation = "confirmacion"
        }
    }

    @Sendable func show(_ request: Request, _ ctx: BasicRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        guard let account = try await pending(token, ctx) else { return try invalidLink(request, ctx) }
        return try renderForm(account: account, token: token, errors: [:], request, ctx)
    }

    @Sendable func activate(_ request: Request, _ ctx: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = (try? URLEncodedFormDecoder().decode(ActivationForm.self, from: String(buffer: body))) ?? ActivationForm()
        guard CSRFToken.isValid(submitted: form.csrf, request: request) else {
            return try HTMLPage(
                title: "Solicitud rechazada",
                body: "<h1>Solicitud rechazada</h1><p>El formulario venció o no se envió desde esta página. Abra de nuevo el enlace de su correo.</p>",
                status: .forbidden
            ).response(from: request, context: ctx)
        }
        let token = form.token ?? ""
        guard let account = try await pending(token, ctx) else { return try invalidLink(request, ctx) }
        let password = form.password ?? ""
        var errors: [String: String] = [:]
        if password.count < Self.minimumPasswordLength {
            errors["contrasena"] = "La contraseña debe tener al menos \(Self.minimumPasswordLength) caracteres."
        } else if password.lowercased().contains(account.username.lowercased()) {
            errors["contrasena"] = "La contraseña no puede contener su nombre de usuario."
        }
        if form.passwordConfirmation != password {
            errors["confirmacion"] = "La confirmación no coincide con la contraseña."
        }
        guard errors.isEmpty else {
            return try renderForm(account: account, token: token, errors: errors, request, ctx, status: .unprocessableContent)
        }
        let hash = Bcrypt.hash(password, cost: 12)
        do {
            _ = try await AccountRepository(client: context.database.client, logger: ctx.logger)
                .activate(token: ActivationToken(value: token), passwordHash: hash)
        } catch let error as StorageError where error.code == .notFound {
            return try invalidLink(request, ctx)
        }
        ctx.logger.info("account activated", metadata: ["account_id": "\(account.id)"])
        return try HTMLPage(
            title: "Cuenta activada",
            body: """
                <h1>Su cuenta está activa</h1>
                <p>Ya puede entrar con su usuario <strong>\(HTMLPage.escape(account.username))</strong> y la contraseña que eligió.</p>
                """
        ).response(from: request, context: ctx)
    }

    func pending(_ token: String, _ ctx: BasicRequestContext) async throws -> Account? {
        guard (16...256).contains(token.utf8.count) else { return nil }
        return try await AccountRepository(client: context.database.client, logger: ctx.logger)
            .pendingActivation(token: ActivationToken(value: token))
    }

    func invalidLink(_ request: Request, _ ctx: BasicRequestContext) throws -> Response {
        try HTMLPage(
            title: "Enlace no válido",
            body: """
                <h1>El enlace no es válido</h1>
                <p>El enlace de activación ya se usó, venció o está incompleto. Pida uno nuevo a la instancia
                interna responsable del \(HTMLPage.escape(context.process.electoralBody)).</p>
                """,
            status: .gone
        ).response(from: request, context: ctx)
    }

    func renderForm(account: Account, token: String, errors: [String: String], _ request: Request, _ ctx: BasicRequestContext,
              status: HTTPResponse.Status = .ok) throws -> Response {
        let csrf = CSRFToken.generate()
        func error(_ field: String) -> String {
            errors[field].map { #"<p class="error" id="\#(field)-error" role="alert">\#(HTMLPage.escape($0))</p>"# } ?? ""
        }
        func described(_ field: String) -> String {
            errors[field] == nil ? "" : #" aria-invalid="true" aria-describedby="\#(field)-error""#
        }
        var response = try HTMLPage(
            title: "Activar cuenta",
            body: """
                <h1>Active su cuenta</h1>
                <p>Usuario: <strong>\(HTMLPage.escape(account.username))</strong> (\(HTMLPage.escape(account.displayName)))</p>
                <form method="post" action="/activar">
                <input type="hidden" name="token" value="\(HTMLPage.escape(token))">
                <input type="hidden" name="csrf" value="\(csrf)">
                <p><label for="contrasena">Contraseña (al menos \(Self.minimumPasswordLength) caracteres)</label>
                <input type="password" id="contrasena" name="contrasena" autocomplete="new-password" required minlength="\(Self.minimumPasswordLength)"\(described("contrasena"))></p>
                \(error("contrasena"))
                <p><label for="confirmacion">Repita la contraseña</label>
                <input type="password" id="confirmacion" name="confirmacion" autocomplete="new-password" required\(described("confirmacion"))></p>
                \(error("confirmacion"))
                <p><button type="submit">Activar cuenta</button></p>
                </form>
                """,
            status: status
        ).response(from: request, context: ctx)
        response.setCookie(CSRFToken.cookie(csrf, secure: context.secureCookies))
        return response
    }
}
