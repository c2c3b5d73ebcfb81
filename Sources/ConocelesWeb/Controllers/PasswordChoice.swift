import ConocelesCore
import Hummingbird
import Logging
import Storage

/// Choosing a password through a single-use link: the activation of a new account
/// (`/activar`) and the reset of a forgotten password (`/restablecer`). Both show the
/// account's username and a form, check the password (`PasswordRules`), hash it (bcrypt) and
/// consume the token; an unknown, used or expired token shows the flow's "invalid link" page.
/// What differs (the token's table, the page, the messages, what follows) is this value's.
struct PasswordChoice: Sendable {
    /// What the form's page shows.
    struct View {
        let csrf: String
        let token: String
        let username: String
        let displayName: String
        let minimumLength = PasswordRules.minimumLength
        let passwordError: String?
        let confirmationError: String?
    }

    struct Form: Decodable {
        var token: String?
        var contrasena: String?
        var confirmacion: String?
    }

    /// The form's template and title.
    let template: String
    let title: String
    /// The account whose token this is, or nil (unknown, used, expired).
    let account: @Sendable (_ token: String, Logger) async throws -> Account?
    /// Stores the hash and consumes the token; `StorageError.notFound` when it was consumed meanwhile.
    let consume: @Sendable (_ token: String, _ passwordHash: String, Logger) async throws -> Void
    /// Runs once the password is stored (nothing by default).
    var afterwards: @Sendable (Account, Logger) async throws -> Void = { _, _ in }
    /// The log line once the password is stored (no personal data).
    let logMessage: Logger.Message
    /// The page of an unusable link.
    let invalidLink: @Sendable (Request, WebRequestContext) throws -> Response
    /// The title and text of the page once the password is stored.
    let done: @Sendable (Account) -> (title: String, text: String)

    /// The form for the token in the query.
    func show(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        guard let account = try await usableAccount(token, ctx) else { return try invalidLink(request, ctx) }
        return try ctx.page(
            template, title: title,
            View(
                csrf: ctx.csrf, token: token, username: account.username, displayName: account.displayName,
                passwordError: nil, confirmationError: nil)
        ).response(from: request, context: ctx)
    }

    /// Checks and stores the chosen password, consuming the token.
    func choose(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let form = try await Forms.decode(Form.self, from: request)
        let token = form.token ?? ""
        guard let account = try await usableAccount(token, ctx) else { return try invalidLink(request, ctx) }
        let password = form.contrasena ?? ""
        let (passwordError, confirmationError) = PasswordRules.problems(
            password: password, confirmation: form.confirmacion, username: account.username)
        guard passwordError == nil, confirmationError == nil else {
            return try ctx.page(
                template, title: title,
                View(
                    csrf: ctx.csrf, token: token, username: account.username, displayName: account.displayName,
                    passwordError: passwordError, confirmationError: confirmationError), status: .unprocessableContent
            )
            .response(from: request, context: ctx)
        }
        let hash = try await PasswordRules.hash(password)
        do {
            try await consume(token, hash, ctx.logger)
        } catch let error as StorageError where error.code == .notFound {
            return try invalidLink(request, ctx)
        }
        try await afterwards(account, ctx.logger)
        ctx.logger.info(logMessage, metadata: ["account_id": "\(account.id)"])
        let (title, text) = done(account)
        return try ctx.message(title: title, text, link: LinkView(href: PublicPages.signIn.path, label: "Entrar"))
            .response(from: request, context: ctx)
    }

    /// The token's account when the token has a plausible length and is usable.
    func usableAccount(_ token: String, _ ctx: WebRequestContext) async throws -> Account? {
        guard (16...256).contains(token.utf8.count) else { return nil }
        return try await account(token, ctx.logger)
    }
}
