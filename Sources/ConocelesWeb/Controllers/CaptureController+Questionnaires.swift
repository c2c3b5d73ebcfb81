import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import Storage

/// The curricular and identity forms: drafts saved at any time, invalid values refused
/// beside their fields (422, the input kept), the workflow kept in step after each save.
extension CaptureController {
    // MARK: Curricular

    @Sendable func curricular(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        let view = CurricularView(answers: profile.curricular, issues: [], profile: profile, csrf: ctx.csrf,
                                  rules: context.process.rules, refused: false)
        return try ctx.page("captura/curricular", title: "Cuestionario curricular", view, notice: Self.savedNotice(request, profile))
            .response(from: request, context: ctx)
    }

    @Sendable func saveCurricular(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await access(request, ctx)
        let form = try await Forms.decode(CurricularForm.self, from: request)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        guard profile.isEditable else { return try closed(request, ctx, profile) }
        let answers = form.questionnaire(keeping: profile.curricular)
        let issues = answers.draftIssues(rules: context.process.rules).issues
        guard issues.isEmpty else {
            let view = CurricularView(answers: answers, issues: issues, profile: profile, csrf: ctx.csrf, rules: context.process.rules,
                                      refused: true)
            return try ctx.page("captura/curricular", title: "Cuestionario curricular", view, status: .unprocessableContent)
                .response(from: request, context: ctx)
        }
        do {
            try await context.questionnaires(logger: ctx.logger).saveCurricular(answers, for: candidacy.id, by: Self.actor(user))
        } catch let error as StorageError where error.code == .conflict {
            return try closed(request, ctx, try await context.captureProfile(candidacy, logger: ctx.logger))
        }
        ctx.logger.info("curricular questionnaire saved", metadata: ["candidacy_id": "\(candidacy.id)"])
        _ = try await context.syncWorkflow(of: candidacy, by: user, changed: answers != profile.curricular, logger: ctx.logger)
        return .redirect(to: "/candidaturas/\(candidacy.id)/curricular?guardado=1", type: .normal)
    }

    // MARK: Identity

    @Sendable func identity(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        let view = IdentityView(answers: profile.identity ?? IdentityQuestionnaire(), issues: [], profile: profile,
                                catalogs: context.catalogs, csrf: ctx.csrf, refused: false)
        return try ctx.page("captura/identidad", title: "Cuestionario de identidad", view, notice: Self.savedNotice(request, profile))
            .response(from: request, context: ctx)
    }

    @Sendable func saveIdentity(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await access(request, ctx)
        let form = try await Forms.decode(IdentityForm.self, from: request)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        guard profile.isEditable else { return try closed(request, ctx, profile) }
        let answers = form.questionnaire()
        let issues = answers.draftIssues(catalogs: context.catalogs).issues
        guard issues.isEmpty else {
            let view = IdentityView(answers: answers, issues: issues, profile: profile, catalogs: context.catalogs, csrf: ctx.csrf,
                                    refused: true)
            return try ctx.page("captura/identidad", title: "Cuestionario de identidad", view, status: .unprocessableContent)
                .response(from: request, context: ctx)
        }
        do {
            try await context.questionnaires(logger: ctx.logger).saveIdentity(answers, for: candidacy.id, by: Self.actor(user))
        } catch let error as StorageError where error.code == .conflict || error.code == .blocked {
            return try closed(request, ctx, try await context.captureProfile(candidacy, logger: ctx.logger))
        }
        // The answers are sensitive: the log says that they were saved, never what they say.
        ctx.logger.info("identity questionnaire saved", metadata: ["candidacy_id": "\(candidacy.id)"])
        _ = try await context.syncWorkflow(of: candidacy, by: user, changed: answers != profile.identity, logger: ctx.logger)
        return .redirect(to: "/candidaturas/\(candidacy.id)/identidad?guardado=1", type: .normal)
    }

    // MARK: Consent

    struct ConsentView {
        let csrf: String
        let status: StatusView
        let action: String
        let current: String
        let granted: Bool
        /// Whether the signed-in account decides (the candidate); the representative reads only.
        let mayDecide: Bool
        /// An independent candidacy gives its consent with the signed express-consent form.
        let independent: Bool
        let affirmativeAction: String?
        let error: String?
    }

    struct ConsentForm: Decodable {
        var decision: String?
    }

    @Sendable func consent(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        let notice: String? = switch request.uri.queryParameters.get("registrado") {
        case "otorgado": "Se registró su consentimiento."
        case "revocado": "Se registró la revocación de su consentimiento."
        default: nil
        }
        return try ctx.page("captura/consentimiento", title: "Consentimiento", consentView(profile, user, ctx, error: nil), notice: notice)
            .response(from: request, context: ctx)
    }

    /// Gives or revokes the consent: the candidate's own account only (`Authorization.consenting`;
    /// anyone else gets 403 before any record is read). The change and the refresh of this
    /// one public profile (`publication.refresh_profile`) commit together, so the answers
    /// appear or disappear from every public output with the next refresh, not the next
    /// full rebuild. An independent candidacy revokes here but consents only through its
    /// signed express-consent form (`ConsentDocumentController`).
    @Sendable func decideConsent(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.consenting, request: request)
        let candidacy = try await context.capturableCandidacy(ctx.parameters.get("id") ?? "", by: user, request: request, logger: ctx.logger)
        let form = try await Forms.decode(ConsentForm.self, from: request)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        let granted: Bool
        switch form.decision ?? "" {
        case "otorgar": granted = true
        case "revocar": granted = false
        default:
            return try ctx.page("captura/consentimiento", title: "Consentimiento",
                                consentView(profile, user, ctx, error: "Elija si da o revoca su consentimiento."), status: .unprocessableContent)
                .response(from: request, context: ctx)
        }
        if granted, candidacy.postulatingEntity.kind == .independent {
            return try ctx.page("captura/consentimiento", title: "Consentimiento", consentView(profile, user, ctx, error: Self.independentConsent),
                                status: .conflict)
                .response(from: request, context: ctx)
        }
        let jobs = context.jobs, processID = context.process.id, logger = ctx.logger
        try await context.questionnaires(logger: ctx.logger).recordConsent(granted: granted, for: candidacy.id, by: Self.actor(user)) { connection in
            try await PublicationProfileRefreshWorker.enqueue(
                processID: processID, candidacyID: candidacy.id, reason: granted ? "consentimiento" : "revocacion", jobs: jobs,
                on: connection, logger: logger)
        }
        ctx.logger.info("identity consent recorded", metadata: ["candidacy_id": "\(candidacy.id)", "granted": "\(granted)"])
        return .redirect(to: "/candidaturas/\(candidacy.id)/consentimiento?registrado=\(granted ? "otorgado" : "revocado")", type: .normal)
    }

    /// Why an independent candidacy cannot consent with the button.
    static let independentConsent = "En una candidatura independiente el consentimiento para publicar las respuestas de identidad "
        + "se da con el formato de consentimiento expreso firmado: descárguelo, fírmelo y súbalo en «Formato de consentimiento "
        + "expreso». Las respuestas se publican cuando la instancia interna lo recibe."

    func consentView(_ profile: CaptureProfile, _ user: Account, _ ctx: WebRequestContext, error: String?) -> ConsentView {
        ConsentView(csrf: ctx.csrf, status: StatusView(profile), action: "/candidaturas/\(profile.candidacy.id)/consentimiento",
                    current: consentLabel(profile), granted: profile.consent.isGranted,
                    mayDecide: Authorization.consenting.contains(user.role),
                    independent: profile.candidacy.postulatingEntity.kind == .independent,
                    affirmativeAction: profile.candidacy.affirmativeAction?.label, error: error)
    }
}
