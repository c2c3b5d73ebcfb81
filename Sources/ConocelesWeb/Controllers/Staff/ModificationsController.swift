import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// `/instancia/modificaciones`: the pending requests to modify a published profile, to
/// approve or reject (with observations). Transparency staff only.
struct ModificationsController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/modificaciones", use: list)
        router.post("/instancia/modificaciones/:id/aprobar", use: approve)
        router.post("/instancia/modificaciones/:id/rechazar", use: reject)
    }

    struct ListView {
        let csrf: String
        let requests: [RequestView]
        let hasRequests: Bool
        let error: String?
    }

    struct RequestView {
        let id: Int64
        let candidacyHref: String
        let name: String
        let office: String
        let entity: String
        let reason: String
        let requester: String
        let requestedAt: String
        let observations: String
        let observationsError: String?
    }

    struct DecisionForm: Decodable {
        var observaciones: String?
    }

    @Sendable func list(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reviewing, request: request)
        let notice = request.uri.queryParameters.get("hecho").flatMap { VerificationController.notices[$0] }
        return try await page(ctx, notice: notice).response(from: request, context: ctx)
    }

    func page(
        _ ctx: WebRequestContext, notice: String? = nil, error: String? = nil, failed: Int64? = nil,
        observations: String = "", observationsError: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> WebPage {
        let pending = try await ProfileWorkflowRepository(client: context.database.client, logger: ctx.logger)
            .pendingModifications(processID: context.process.id)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let requests = pending.map { item in
            RequestView(
                id: item.request.id, candidacyHref: "/instancia/candidaturas/\(queryValue(item.candidacy.id))",
                name: item.candidacy.fullName, office: context.officeName(item.candidacy),
                entity: context.entityName(item.candidacy.postulatingEntity),
                reason: item.request.reason ?? "Sin motivo escrito", requester: item.requesterName ?? "—",
                requestedAt: format.dateTime(item.request.requestedAt),
                observations: item.request.id == failed ? observations : "",
                observationsError: item.request.id == failed ? observationsError : nil)
        }
        return ctx.page(
            "instancia/modificaciones", title: "Solicitudes de modificación",
            ListView(csrf: ctx.csrf, requests: requests, hasRequests: !requests.isEmpty, error: error),
            status: status, notice: notice)
    }

    @Sendable func approve(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        try await decide(.approveModification, request, ctx)
    }

    @Sendable func reject(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        try await decide(.rejectModification, request, ctx)
    }

    func decide(_ action: ProfileAction, _ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        guard let id = Int64(try ctx.parameters.require("id")) else { throw WebError.notFound }
        let repository = ProfileWorkflowRepository(client: context.database.client, logger: ctx.logger)
        guard let pending = try await repository.pendingModification(id: id) else {
            return try await page(ctx, error: "La solicitud ya se decidió o no existe.", status: .conflict)
                .response(from: request, context: ctx)
        }
        // Checks the role and that the candidacy belongs to this site's process.
        let candidacy = try await context.reviewableCandidacy(pending.candidacyID, by: user, logger: ctx.logger)
        let form = try await Forms.decode(DecisionForm.self, from: request)
        let observations = form.observaciones ?? ""
        do {
            try await repository.apply(
                action, to: candidacy.id, by: VerificationController.actor(user),
                observations: action == .rejectModification ? observations : nil)
        } catch let error as ProfileTransitionError {
            let isObservations = error.code == .observationsRequired
            return try await page(
                ctx, error: isObservations ? nil : error.message, failed: id, observations: observations,
                observationsError: isObservations ? error.message : nil,
                status: VerificationController.status(of: error)
            )
            .response(from: request, context: ctx)
        }
        ctx.logger.info("modification request decided", metadata: ["candidacy_id": "\(candidacy.id)", "action": "\(action.rawValue)"])
        let done = action == .approveModification ? "aprobada" : "rechazada"
        return Response(status: .seeOther, headers: [.location: "/instancia/modificaciones?hecho=\(done)"])
    }
}
