import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// Nothing typed is lost when the session expires while a person writes: a questionnaire
/// posted without a live session (its CSRF token valid, so it came from this site's page in
/// this browser) is kept, sealed, by `KeptFormRepository`, and the sign-in page says so; after
/// signing in, the same form in the same browser shows it back to be saved (or discarded).
extension CaptureController {
    /// Keeps the posted form of a browser whose session expired and sends it to sign in,
    /// back to the same form afterwards.
    func keepExpired(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        guard let token = Self.browserToken(request) else { throw WebError.signInRequired(next: request.uri.path) }
        let body = try await Forms.body(of: request)
        let kept = body.split(separator: "&").filter { !$0.hasPrefix("\(CSRFToken.fieldName)=") }.joined(separator: "&")
        guard !kept.isEmpty else { throw WebError.signInRequired(next: request.uri.path) }  // nothing typed to keep
        let forms = keptForms(ctx)
        try await forms.forget(path: request.uri.path, browserToken: token)
        try await forms.keep(body: kept, path: request.uri.path, browserToken: token)
        ctx.logger.info("form kept after the session expired", metadata: ["path": "\(request.uri.path)"])
        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_."))) ?? "/"
        return .redirect(to: "/entrar?siguiente=\(next)&conservado=1", type: .normal)
    }

    /// The form kept for this page in this browser, if any.
    func keptForm(_ request: Request, _ ctx: WebRequestContext) async throws -> KeptFormRepository.KeptForm? {
        guard let token = Self.browserToken(request) else { return nil }
        return try await keptForms(ctx).latest(path: request.uri.path, browserToken: token)
    }

    /// Forgets what was kept for this form in this browser (saved now).
    func forgetKeptForm(_ request: Request, _ ctx: WebRequestContext) async throws {
        guard let token = Self.browserToken(request) else { return }
        try await keptForms(ctx).forget(path: request.uri.path, browserToken: token)
    }

    /// `POST /candidaturas/{id}/{curricular|identidad}/descartar`: the person does not want
    /// the kept form back.
    @Sendable func discardKept(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await access(request, ctx)
        let form = request.uri.path.hasSuffix("/identidad/descartar") ? "identidad" : "curricular"
        let path = "/candidaturas/\(candidacy.id)/\(form)"
        if let token = Self.browserToken(request) { try await keptForms(ctx).forget(path: path, browserToken: token) }
        return .redirect(to: path, type: .normal)
    }

    func keptForms(_ ctx: WebRequestContext) -> KeptFormRepository {
        KeptFormRepository(client: context.database.client, cipher: context.cipher, logger: ctx.logger)
    }

    /// This browser's CSRF token (its cookie), which identifies what it kept.
    static func browserToken(_ request: Request) -> String? {
        guard let value = request.cookies[CSRFToken.cookieName]?.value, value.utf8.count == 64 else { return nil }
        return value
    }

    /// What the form says when it shows a kept form.
    static func recoveredMessage(_ keptAt: Date, timeZone: String) -> String {
        "Su sesión había vencido cuando pulsó «Guardar borrador» el \(SpanishDates.dateTime(keptAt, timeZone: timeZone)). "
            + "Recuperamos lo que escribió y lo mostramos abajo: aún no está guardado. Revíselo y pulse «Guardar borrador»."
    }
}
