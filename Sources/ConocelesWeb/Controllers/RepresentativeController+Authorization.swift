import ConocelesCore
import Foundation
import Hummingbird
import Logging
import Storage

/// Authorization of publication (`autorizar`, complete profiles only), one candidacy at a
/// time or a list of them, each in its own transaction (`ProfileWorkflowRepository.apply`):
/// one refusal never undoes or stops the others.
extension RepresentativeController {
    struct BulkForm: Decodable {
        var ids: [String]?
    }

    struct OutcomeView {
        let title: String
        let summary: String
        let authorized: [String]
        let refused: [RefusalView]
        let foreignSummary: String?
        let hasRefusals: Bool
        let hasAuthorized: Bool
    }

    struct RefusalView {
        let name: String
        let reason: String
    }

    /// What happened to the candidacies of one request.
    struct AuthorizationOutcome {
        var authorized: [Candidacy] = []
        var refused: [(Candidacy, String)] = []
        /// Ids that are not the entity's (or do not exist): counted, never shown.
        var foreign = 0
    }

    @Sendable func authorizeOne(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, _) = try representative(request, ctx)
        let id = try ctx.parameters.require("id")
        let candidacy = try await context.capturableCandidacy(id, by: user, request: request, logger: ctx.logger)
        guard Authorization.mayAuthorize(user, candidacy) else { throw WebError.forbidden }
        let outcome = try await authorize([candidacy], foreign: 0, by: user, ctx)
        return try ctx.page(
            "candidaturas/resultado", title: "Autorización de publicación", outcomeView(outcome),
            status: outcome.refused.isEmpty ? .ok : .conflict
        ).response(from: request, context: ctx)
    }

    @Sendable func authorizeMany(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, entity) = try representative(request, ctx)
        let form = try await Forms.decode(BulkForm.self, from: request)
        var seen = Set<String>()
        let ids = (form.ids ?? []).filter { !$0.isEmpty && $0.utf8.count <= 64 && seen.insert($0).inserted }
        guard !ids.isEmpty else {
            return try ctx.message(
                title: "Autorización de publicación", "No eligió ninguna candidatura. Marque las casillas de las que quiere autorizar.",
                status: .unprocessableContent, link: LinkView(href: "/candidaturas", label: "Volver a las candidaturas")
            )
            .response(from: request, context: ctx)
        }
        guard ids.count <= Self.maximumBulk else {
            return try ctx.message(
                title: "Autorización de publicación",
                "Puede autorizar hasta \(SpanishNumberFormat.format(Self.maximumBulk)) candidaturas a la vez.",
                status: .unprocessableContent, link: LinkView(href: "/candidaturas", label: "Volver a las candidaturas")
            )
            .response(from: request, context: ctx)
        }
        // Only the entity's candidacies are read; any other id is simply absent here.
        let own = try await candidacies(ctx).candidacies(ids: ids, processID: context.process.id, entity: entity)
            .filter { Authorization.mayAuthorize(user, $0) }
        let byID = Dictionary(own.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = ids.compactMap { byID[$0] }
        let outcome = try await authorize(ordered, foreign: ids.count - ordered.count, by: user, ctx)
        ctx.logger.info(
            "bulk authorization",
            metadata: [
                "authorized": "\(outcome.authorized.count)", "refused": "\(outcome.refused.count)", "foreign": "\(outcome.foreign)",
            ])
        return try ctx.page("candidaturas/resultado", title: "Autorización de publicación", outcomeView(outcome))
            .response(from: request, context: ctx)
    }

    /// Applies `autorizar` to each candidacy in its own transaction.
    func authorize(_ list: [Candidacy], foreign: Int, by user: Account, _ ctx: WebRequestContext) async throws -> AuthorizationOutcome {
        var outcome = AuthorizationOutcome(foreign: foreign)
        let repository = workflows(ctx)
        for candidacy in list {
            do {
                try await repository.apply(.authorize, to: candidacy.id, by: Self.actor(user))
                outcome.authorized.append(candidacy)
            } catch let error as ProfileTransitionError {
                outcome.refused.append((candidacy, Self.reason(error)))
            } catch let error as StorageError where error.code == .conflict || error.code == .notFound {
                outcome.refused.append((candidacy, error.message))
            }
        }
        return outcome
    }

    /// Why the lifecycle refused, for the representative: an incomplete profile says so.
    static func reason(_ error: ProfileTransitionError) -> String {
        if error.code == .transitionNotAllowed, !error.state.hasPassedCompletenessCheck {
            return "El perfil no está completo (estado «\(error.state.label)»); solo se autorizan perfiles completos."
        }
        return error.message
    }

    func outcomeView(_ outcome: AuthorizationOutcome) -> OutcomeView {
        let authorized = outcome.authorized.count
        let failed = outcome.refused.count + outcome.foreign
        var summary = authorized == 1 ? "1 autorizada" : "\(SpanishNumberFormat.format(authorized)) autorizadas"
        if failed > 0 {
            summary += failed == 1 ? "; 1 no se pudo autorizar" : "; \(SpanishNumberFormat.format(failed)) no se pudieron autorizar"
            summary += outcome.refused.isEmpty ? "." : ":"
        } else {
            summary += "."
        }
        return OutcomeView(
            title: "Autorización de publicación", summary: summary,
            authorized: outcome.authorized.map { "\($0.fullName) (\(officeName($0)))" },
            refused: outcome.refused.map { RefusalView(name: "\($0.0.fullName) (\(officeName($0.0)))", reason: $0.1) },
            foreignSummary: outcome.foreign == 0
                ? nil
                : outcome.foreign == 1
                    ? "1 candidatura no corresponde a su representación o no existe."
                    : "\(SpanishNumberFormat.format(outcome.foreign)) candidaturas no corresponden a su representación o no existen.",
            hasRefusals: failed > 0, hasAuthorized: authorized > 0)
    }
}
