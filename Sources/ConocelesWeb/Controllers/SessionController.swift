import ConocelesCore
import Crypto
import Foundation
import Hummingbird
import HummingbirdBcrypt
import JobArguments
import JobQueue
import NIOCore
import NIOPosix
import Storage

/// Sign-in (`/entrar`), sign-out (`/salir`) and password reset (`/recuperar`,
/// `/restablecer`). Attempts are counted per username before the password is checked and
/// slowed down progressively per username and per client address (`LoginThrottle`); an
/// unknown username is counted and costs the same bcrypt time as a wrong password, and both
/// get the same answer, so usernames cannot be probed.
struct SessionController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get(PublicPages.signIn.route, use: showSignIn)
        router.post(PublicPages.signIn.route, use: signIn)
        router.post("/salir", use: signOut)
        router.post("/sesion/extender", use: extend)
        router.get(PublicPages.recovery.route, use: showRecovery)
        router.post(PublicPages.recovery.route, use: requestReset)
        let reset = resetChoice
        router.get(PublicPages.reset.route) { request, ctx in try await reset.show(request, ctx) }
        router.post(PublicPages.reset.route) { request, ctx in try await reset.choose(request, ctx) }
        router.get("/inicio", use: home)
    }

    struct SignInView {
        let csrf: String
        let next: String
        let username: String
        let error: String?
        /// A form was kept because the session had expired (`CaptureController.keepExpired`).
        var kept = false
    }

    struct SignInForm: Decodable {
        var usuario: String?
        var contrasena: String?
        var siguiente: String?
    }

    /// A bcrypt hash nobody's password matches, checked when the username is unknown.
    static let decoyHash = Bcrypt.hash("conoceles-decoy-\(UInt64.random(in: 0 ... .max))", cost: 12)

    @Sendable func showSignIn(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        if ctx.user != nil { return .redirect(to: "/inicio", type: .normal) }
        let next = Self.localPath(request.uri.queryParameters.get("siguiente"))
        let kept = request.uri.queryParameters.get("conservado") != nil
        return try ctx.page("sesion/entrar", title: "Entrar", SignInView(csrf: ctx.csrf, next: next, username: "", error: nil, kept: kept))
            .response(from: request, context: ctx)
    }

    /// `POST /sesion/extender` ("Seguir conectado", from the warning a capture form shows
    /// before the idle expiry): pushes the session's idle expiry forward. JSON: the seconds
    /// left, or 401 when the session already ended.
    @Sendable func extend(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        guard ctx.user != nil, let token = ctx.sessionToken,
            let expires = try await context.sessions(logger: ctx.logger).extend(token)
        else {
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"vigente":false}"#)))
        }
        let seconds = max(0, Int(expires.timeIntervalSinceNow.rounded(.down)))
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"vigente":true,"segundos":\#(seconds)}"#)))
    }

    @Sendable func signIn(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let form = try await Forms.decode(SignInForm.self, from: request)
        let username = (form.usuario ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form.contrasena ?? ""
        let next = Self.localPath(form.siguiente)
        let throttle = LoginThrottle(client: context.database.client, logger: ctx.logger)
        func refuse(_ message: String, _ status: HTTPResponse.Status) throws -> Response {
            try ctx.page(
                "sesion/entrar", title: "Entrar", SignInView(csrf: ctx.csrf, next: next, username: username, error: message),
                status: status
            ).response(from: request, context: ctx)
        }
        // Admitted in order, a few at a time (`SignInAdmission`: a storm's sign-ins do not take
        // the database from the pages), then counted before the password is checked: a refused
        // attempt costs no bcrypt.
        enum Check: Sendable {
            case throttled(Date)
            case checked(Account?, matches: Bool)
        }
        let check = try await SignInAdmission.shared.run { () async throws -> Check in
            if case .refused(let retryAt) = try await throttle.begin(username: username, address: ctx.clientAddress) {
                return .throttled(retryAt)
            }
            let found =
                username.isEmpty || username.utf8.count > 64
                ? nil : try await AccountRepository(client: context.database.client, logger: ctx.logger).credentials(username: username)
            let matches = try await PasswordHashing.verify(password, hash: found?.1 ?? Self.decoyHash)
            return .checked(found?.0, matches: matches)
        }
        let found: Account?, matches: Bool
        switch check {
        case .throttled(let retryAt):
            ctx.logger.notice("sign-in throttled", metadata: ["client_address": "\(ctx.clientAddress)"])
            var response = try refuse(Self.throttledMessage(retryAt: retryAt, timeZone: context.process.timeZone), .tooManyRequests)
            response.headers[.retryAfter] = String(Self.secondsUntil(retryAt))
            return response
        case .checked(let account, let matched):
            (found, matches) = (account, matched)
        }
        guard let account = found, matches, account.processID == nil || account.processID == context.process.id else {
            try await throttle.finish(username: username, address: ctx.clientAddress, succeeded: false)
            return try refuse("El usuario o la contraseña no son correctos.", .unauthorized)
        }
        try await throttle.finish(username: username, address: ctx.clientAddress, succeeded: true)
        let sessions = context.sessions(logger: ctx.logger)
        if let previous = ctx.sessionToken { try await sessions.revoke(previous) }
        let token = try await sessions.create(accountID: account.id)
        ctx.logger.info("signed in", metadata: ["account_id": "\(account.id)"])
        var response = Response.redirect(to: next == "/" ? "/inicio" : next, type: .normal)
        response.setCookie(SessionMiddleware.cookie(token, secure: context.secureCookies))
        return response
    }

    @Sendable func signOut(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        if let token = ctx.sessionToken { try await context.sessions(logger: ctx.logger).revoke(token) }
        var response = Response.redirect(to: "/entrar", type: .normal)
        response.setCookie(SessionMiddleware.expiredCookie(secure: context.secureCookies))
        return response
    }

    /// Where each role starts.
    @Sendable func home(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(request: request)
        switch user.role {
        case .candidate: return .redirect(to: "/candidaturas/\(user.candidacyID ?? "")", type: .normal)
        case .representative: return .redirect(to: "/candidaturas", type: .normal)
        case .transparencyStaff: return .redirect(to: "/instancia/verificacion", type: .normal)
        case .itStaff: return .redirect(to: "/instancia/cuentas", type: .normal)
        case .genderEqualityStaff: return .redirect(to: "/instancia/cumplimiento", type: .normal)
        }
    }

    // MARK: Password reset

    struct RecoveryView {
        let csrf: String
        let sent: Bool
        let error: String?
    }

    @Sendable func showRecovery(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        try ctx.page("sesion/recuperar", title: "Restablecer la contraseña", RecoveryView(csrf: ctx.csrf, sent: false, error: nil))
            .response(from: request, context: ctx)
    }

    /// Enqueues the reset e-mail when the username or address names a usable account; the
    /// answer is the same either way. At most one e-mail per account every 5 minutes.
    ///
    /// Nothing may tell the two cases apart, not even the queue: when nothing matches, a
    /// decoy job is enqueued for an account id that exists nowhere (derived from what was
    /// typed, so a repeated request is deduplicated within the same 5 minutes as a real
    /// one); the worker finds no account and completes it without a message. `/metrics`
    /// leaves this kind out as well (`MetricsController.privateKinds`).
    @Sendable func requestReset(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let form = try await Forms.decode(SignInForm.self, from: request)
        let given = (form.usuario ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard !given.isEmpty, given.utf8.count <= 254 else {
            return try ctx.page(
                "sesion/recuperar", title: "Restablecer la contraseña",
                RecoveryView(csrf: ctx.csrf, sent: false, error: "Escriba su usuario o su correo."), status: .unprocessableContent
            )
            .response(from: request, context: ctx)
        }
        let accounts = AccountRepository(client: context.database.client, logger: ctx.logger)
        let matching = given.contains("@") ? try await accounts.usableAccounts(email: given) : try await accounts.account(username: given).map { [$0] } ?? []
        let usable = matching.filter(\.isUsable).map(\.id)
        let jobs = try (usable.isEmpty ? [Self.decoyAccountID(given)] : usable).map {
            try NewJob(
                PasswordResetMailJob(accountID: $0),
                uniqueness: .window(key: "password-reset:\($0.uuidString.lowercased())", seconds: 300))
        }
        _ = try await context.jobs.insertMany(jobs)
        return try ctx.page("sesion/recuperar", title: "Restablecer la contraseña", RecoveryView(csrf: ctx.csrf, sent: true, error: nil))
            .response(from: request, context: ctx)
    }

    /// The account id of the decoy job for `given` (a username or address nothing matched):
    /// a version-4-shaped UUID from its SHA-256, which no account has (theirs are random).
    static func decoyAccountID(_ given: String) -> UUID {
        var bytes = Array(SHA256.hash(data: Data("conoceles-password-reset-decoy:\(given)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The reset as a `PasswordChoice`: the reset e-mail's token; a reset also ends the
    /// account's sign-in wait (whoever reset the password by e-mail owns the account).
    var resetChoice: PasswordChoice {
        let client = context.database.client
        return PasswordChoice(
            template: "sesion/restablecer", title: "Contraseña nueva",
            account: { token, logger in
                try await PasswordResetRepository(client: client, logger: logger).account(for: SecretToken(value: token))
            },
            consume: { token, hash, logger in
                _ = try await PasswordResetRepository(client: client, logger: logger).reset(token: SecretToken(value: token), passwordHash: hash)
            },
            afterwards: { account, logger in
                try await LoginThrottle(client: client, logger: logger).clear(username: account.username)
            },
            logMessage: "password reset",
            invalidLink: { request, ctx in
                try ctx.message(
                    title: "Enlace no válido", "El enlace para restablecer la contraseña ya se usó, venció o está incompleto. Pida uno nuevo.",
                    status: .gone, link: LinkView(href: PublicPages.recovery.path, label: "Pedir un enlace nuevo")
                )
                .response(from: request, context: ctx)
            },
            done: { _ in ("Contraseña guardada", "Su contraseña nueva quedó guardada. Entre con ella.") })
    }

    /// Whole seconds from now until `date` (at least 1).
    static func secondsUntil(_ date: Date, now: Date = Date()) -> Int {
        max(1, Int(date.timeIntervalSince(now).rounded(.up)))
    }

    /// The Spanish refusal of a throttled attempt: how long to wait and until when.
    static func throttledMessage(retryAt: Date, timeZone: String, now: Date = Date()) -> String {
        let seconds = secondsUntil(retryAt, now: now)
        let wait =
            seconds < 60
            ? (seconds == 1 ? "1 segundo" : "\(seconds) segundos")
            : {
                let minutes = (seconds + 59) / 60; return minutes == 1 ? "1 minuto" : "\(minutes) minutos"
            }()
        return "Demasiados intentos fallidos con este usuario o desde esta red. Espere \(wait) (hasta el "
            + "\(SpanishDates.dateTime(retryAt.addingTimeInterval(59), timeZone: timeZone))) e intente de nuevo, "
            + "o restablezca su contraseña."
    }

    /// `path` when it is a path of this site (`LocalRedirect`), "/" otherwise (no open redirect).
    static func localPath(_ path: String?) -> String {
        LocalRedirect.path(path) ?? "/"
    }
}
