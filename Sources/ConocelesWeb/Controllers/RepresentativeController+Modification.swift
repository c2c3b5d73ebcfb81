import ConocelesCore
import Foundation
import Hummingbird
import Logging
import Storage

/// The one modification allowed after publication: the representative requests it with a
/// reason (`solicitar_modificacion`, which records a `ModificationRequest`), staff decide;
/// once approved, the candidate and the representative edit the profile (`en_modificacion`)
/// and the representative sends it (`enviar_modificacion`, complete profiles only) for staff
/// to verify and publish again. The published version stays public until then.
extension RepresentativeController {
    /// The reason's limit, in characters not counting white space (as every text of the site).
    static let reasonRule = LengthRule(minimum: nil, maximum: 1_000)

    struct ModificationForm: Decodable {
        var motivo: String?
    }

    struct ModificationView {
        let csrf: String
        let id: String
        let name: String
        let office: String
        let state: String
        let requests: [RequestView]
        let hasRequests: Bool
        /// Whether the profile may be asked to change now (published, no pending request).
        let canRequest: Bool
        /// Why it may not, when it may not.
        let unavailable: String?
        let reason: String
        let reasonError: String?
        let maximum: Int
        /// Whether the approved modification may be sent now (state `en_modificacion`).
        let canSubmit: Bool
        /// What the profile still lacks before it can be sent.
        let missing: [String]
        let hasMissing: Bool
        let submitError: String?
    }

    struct RequestView {
        let status: String
        let requestedAt: String
        let requestReason: String
        let decidedAt: String?
        let observations: String?
    }

    @Sendable func showModification(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await authorizable(request, ctx)
        return try await modificationPage(candidacy, reason: "", error: nil, notice: nil, status: .ok, ctx)
            .response(from: request, context: ctx)
    }

    @Sendable func requestModification(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await authorizable(request, ctx)
        let reason = (try await Forms.decode(ModificationForm.self, from: request).motivo ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        if reason.isBlank {
            return try await modificationPage(
                candidacy, reason: reason, error: "Escriba el motivo de la modificación.", notice: nil,
                status: .unprocessableContent, ctx
            ).response(from: request, context: ctx)
        }
        if let violation = Self.reasonRule.violation(for: reason) {
            return try await modificationPage(
                candidacy, reason: reason, error: "El motivo es demasiado largo. \(violation.message)", notice: nil,
                status: .unprocessableContent, ctx
            ).response(from: request, context: ctx)
        }
        do {
            try await workflows(ctx).apply(.requestModification, to: candidacy.id, by: Self.actor(user), observations: reason)
        } catch let error as ProfileTransitionError {
            return try await modificationPage(candidacy, reason: reason, error: error.message, notice: nil, status: .conflict, ctx)
                .response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict {
            // A concurrent request won (one pending request per profile) or the candidacy was withdrawn.
            return try await modificationPage(candidacy, reason: reason, error: error.message, notice: nil, status: error.status, ctx)
                .response(from: request, context: ctx)
        }
        ctx.logger.info("modification requested", metadata: ["candidacy_id": "\(candidacy.id)"])
        return try await modificationPage(
            candidacy, reason: "", error: nil,
            notice: "Se envió la solicitud de modificación; la instancia interna la revisará.", status: .ok, ctx
        )
        .response(from: request, context: ctx)
    }

    /// Sends the approved modification (`enviar_modificacion`): the profile must be complete;
    /// staff then verify and publish it again, and only then does the public profile change.
    @Sendable func submitModification(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await authorizable(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        do {
            try await workflows(ctx).apply(.submitModification, to: candidacy.id, by: Self.actor(user), completeness: profile.report)
        } catch let error as ProfileTransitionError {
            let status: HTTPResponse.Status = error.code == .profileIncomplete ? .unprocessableContent : .conflict
            return try await modificationPage(candidacy, reason: "", error: nil, submitError: error.message, notice: nil, status: status, ctx)
                .response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict {
            return try await modificationPage(candidacy, reason: "", error: nil, submitError: error.message, notice: nil, status: error.status, ctx)
                .response(from: request, context: ctx)
        }
        ctx.logger.info("modification submitted", metadata: ["candidacy_id": "\(candidacy.id)"])
        return try await modificationPage(
            candidacy, reason: "", error: nil,
            notice: "Se envió la modificación. La instancia interna la verificará y la publicará; mientras tanto sigue visible la versión publicada.",
            status: .ok, ctx
        ).response(from: request, context: ctx)
    }

    /// The signed-in representative and the candidacy of the path, when it is its entity's.
    func authorizable(_ request: Request, _ ctx: WebRequestContext) async throws -> (Account, Candidacy) {
        let (user, _) = try representative(request, ctx)
        let candidacy = try await context.capturableCandidacy(try ctx.parameters.require("id"), by: user, request: request, logger: ctx.logger)
        guard Authorization.mayAuthorize(user, candidacy) else { throw WebError.forbidden }
        return (user, candidacy)
    }

    func modificationPage(
        _ candidacy: Candidacy, reason: String, error: String?, submitError: String? = nil, notice: String?,
        status: HTTPResponse.Status, _ ctx: WebRequestContext
    ) async throws -> WebPage {
        let repository = workflows(ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        let state = profile.state
        let requests = try await repository.modificationRequests(for: candidacy.id)
        let canRequest = ProfileLifecycle.target(of: .requestModification, from: state) != nil
        let unavailable: String? =
            if canRequest {
                nil
            } else if state == .republished {
                "Este perfil ya se modificó una vez después de publicarse; no admite otra modificación."
            } else if state == .modificationRequested {
                "Ya hay una solicitud de modificación pendiente de revisión."
            } else if state == .modifying {
                "La modificación fue aprobada: corrija el perfil y envíela para su verificación."
            } else if state == .modificationSubmitted || state == .reverified {
                "La modificación ya se envió; la instancia interna la verificará y la publicará."
            } else if state.hasPublishedVersion {
                "La modificación de este perfil ya está en curso."
            } else {
                "Solo se puede solicitar la modificación de un perfil publicado (estado actual: «\(state.label)»)."
            }
        let view = ModificationView(
            csrf: ctx.csrf, id: candidacy.id, name: candidacy.fullName, office: officeName(candidacy), state: state.label,
            requests: requests.reversed().map { request in
                RequestView(
                    status: Self.label(request.status), requestedAt: spanishDate(request.requestedAt), requestReason: request.reason ?? "",
                    decidedAt: request.decidedAt.map(spanishDate), observations: request.observations)
            },
            hasRequests: !requests.isEmpty, canRequest: canRequest, unavailable: unavailable, reason: reason, reasonError: error,
            maximum: Self.reasonRule.maximum,
            canSubmit: state == .modifying,
            missing: state == .modifying ? profile.report.issues.map { "\($0.label): \($0.message)" } : [],
            hasMissing: state == .modifying && !profile.report.isComplete,
            submitError: submitError)
        return ctx.page("candidaturas/modificacion", title: "Solicitud de modificación", view, status: status, notice: notice)
    }

    static func label(_ status: ModificationRequest.Status) -> String {
        switch status {
        case .pending: "Pendiente de revisión"
        case .approved: "Aprobada: en modificación"
        case .rejected: "Rechazada"
        case .applied: "Aplicada y publicada"
        }
    }

    /// A date and time in the process's time zone, in Spanish ("3 de abril de 2024, 10:15").
    func spanishDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "es_MX")
        formatter.timeZone = TimeZone(identifier: context.process.timeZone) ?? .current
        formatter.dateFormat = "d 'de' MMMM 'de' yyyy, HH:mm"
        return formatter.string(from: date)
    }
}
