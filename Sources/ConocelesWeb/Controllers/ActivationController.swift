import ConocelesCore
import Hummingbird
import Storage

/// `/activar`: the link of the credentials e-mail. Shows the account's username and a form
/// to choose a password, then consumes the single-use token (`PasswordChoice`).
struct ActivationController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        let flow = passwordChoice
        router.get(PublicPages.activation.route) { request, ctx in try await flow.show(request, ctx) }
        router.post(PublicPages.activation.route) { request, ctx in try await flow.choose(request, ctx) }
    }

    /// Activation as a `PasswordChoice`: the credentials e-mail's token, consumed by the activation.
    var passwordChoice: PasswordChoice {
        let client = context.database.client
        let electoralBody = context.process.electoralBody
        return PasswordChoice(
            template: "sesion/activar", title: "Activar cuenta",
            account: { token, logger in
                try await AccountRepository(client: client, logger: logger).pendingActivation(token: ActivationToken(value: token))
            },
            consume: { token, hash, logger in
                _ = try await AccountRepository(client: client, logger: logger).activate(token: ActivationToken(value: token), passwordHash: hash)
            },
            logMessage: "account activated",
            invalidLink: { request, ctx in
                try ctx.message(
                    title: "Enlace no válido",
                    "El enlace de activación ya se usó, venció o está incompleto. Pida uno nuevo a la instancia interna responsable del \(electoralBody).",
                    status: .gone
                ).response(from: request, context: ctx)
            },
            done: { account in
                ("Cuenta activada", "Su cuenta está activa. Ya puede entrar con su usuario \(account.username) y la contraseña que eligió.")
            })
    }
}
