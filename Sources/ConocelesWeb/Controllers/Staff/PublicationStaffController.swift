import Hummingbird
import JobArguments
import Storage

/// The staff's line about the public site (current snapshot, shown on the verification
/// queue) and its "Re-publicar" button, which enqueues `publication.rebuild`.
/// Transparency staff only.
struct PublicationStaffController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.post("/instancia/publicacion/reconstruir", use: rebuild)
    }

    @Sendable func rebuild(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reviewing, request: request)
        try await PublicationRebuildJob.enqueue(processID: context.process.id, reason: "instancia", jobs: context.jobs, logger: ctx.logger)
        ctx.logger.info("publication rebuild requested by staff")
        return Response(status: .seeOther, headers: [.location: "/instancia/verificacion?hecho=republicar"])
    }

    /// The current snapshot, in one Spanish sentence, with the button's token.
    func line(_ ctx: WebRequestContext) async throws -> PublicationLineView {
        let repository = PublicationRepository(client: context.database.client, logger: ctx.logger)
        let status: String
        if let current = try await repository.current(processID: context.process.id) {
            status = "Versión pública \(current.version), construida el \(SpanishDates.dateTime(current.builtAt, timeZone: context.process.timeZone))."
        } else {
            status = "El sitio público aún no se ha construido."
        }
        return PublicationLineView(status: status, csrf: ctx.csrf)
    }
}

struct PublicationLineView {
    let status: String
    let csrf: String
}
