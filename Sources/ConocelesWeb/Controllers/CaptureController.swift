import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import Storage

/// The capture portal of one candidacy, for its candidate and its entity's representative:
/// the overview (state, completeness, consent), the privacy notice that gates every form,
/// the curricular and identity questionnaires and the consent to publish identity answers.
/// Every route checks the role and the record (`WebContext.capturableCandidacy`): anyone
/// else gets the same 403 whether the candidacy is someone else's or does not exist.
struct CaptureController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get(PublicPages.privacyNotice.route, use: fullNotice)
        router.get(PublicPages.simplifiedPrivacyNotice.route, use: simplifiedNotice)
        router.get("/candidaturas/:id", use: overview)
        router.get("/candidaturas/:id/aviso", use: notice)
        router.post("/candidaturas/:id/aviso", use: acceptNotice)
        router.get("/candidaturas/:id/curricular", use: curricular)
        router.post("/candidaturas/:id/curricular", use: saveCurricular)
        router.get("/candidaturas/:id/identidad", use: identity)
        router.post("/candidaturas/:id/identidad", use: saveIdentity)
        router.post("/candidaturas/:id/curricular/descartar", use: discardKept)
        router.post("/candidaturas/:id/identidad/descartar", use: discardKept)
        router.get("/candidaturas/:id/consentimiento", use: consent)
        router.post("/candidaturas/:id/consentimiento", use: decideConsent)
    }

    // MARK: Access

    /// The signed-in capturing account and the candidacy of the path, when it may capture it.
    func access(_ request: Request, _ ctx: WebRequestContext) async throws -> (Account, Candidacy) {
        let user = try ctx.requireUser(Authorization.capturing, request: request)
        let candidacy = try await context.capturableCandidacy(ctx.parameters.get("id") ?? "", by: user, request: request, logger: ctx.logger)
        return (user, candidacy)
    }

    /// The redirect to the privacy notice while it is not accepted (every form waits for it).
    func noticeGate(_ profile: ProfileCaptureState) -> Response? {
        profile.noticeAccepted ? nil : .redirect(to: "/candidaturas/\(profile.candidacy.id)/aviso", type: .normal)
    }

    /// The Spanish page for a save refused because the profile is closed to changes.
    func closed(_ request: Request, _ ctx: WebRequestContext, _ profile: ProfileCaptureState) throws -> Response {
        try ctx.message(
            title: "Perfil cerrado a cambios",
            StatusView(profile).closedReason ?? "El perfil no admite cambios en su estado actual.",
            status: .conflict, link: LinkView(href: "/candidaturas/\(profile.candidacy.id)", label: "Volver al perfil")
        ).response(from: request, context: ctx)
    }

    /// The audit actor of `account`.
    static func actor(_ account: Account) -> AuditActor {
        AuditActor(role: account.role, id: account.id.uuidString)
    }

    /// The confirmation of a save, from the `guardado` query parameter of the redirect.
    static func savedNotice(_ request: Request, _ profile: ProfileCaptureState) -> String? {
        guard request.uri.queryParameters.get("guardado") != nil else { return nil }
        return profile.report.isComplete
            ? "Se guardaron sus respuestas. El perfil está completo."
            : "Se guardaron sus respuestas como borrador. \(profile.report.summary)"
    }

    // MARK: Overview

    struct OverviewView {
        let status: StatusView
        let name: String
        let office: String
        let territory: String?
        let position: String
        let entity: String
        let affirmativeAction: String?
        let noticeAccepted: Bool
        let consent: String
        let issues: [IssueView]
        let forms: [LinkView]
        /// The approved modification is being captured (`en_modificacion`).
        let modifying: Bool
        /// Whether this account sends it (the entity's representative).
        let canSubmitModification: Bool
    }

    @Sendable func overview(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        let base = "/candidaturas/\(candidacy.id)"
        let process = context.process
        let view = OverviewView(
            status: StatusView(profile),
            name: candidacy.fullName,
            office: process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode,
            territory: territory(of: candidacy),
            position: candidacy.formulaPosition.label,
            entity: candidacy.postulatingEntity.displayName(in: process) ?? candidacy.postulatingEntity.code,
            affirmativeAction: candidacy.affirmativeAction?.label,
            noticeAccepted: profile.noticeAccepted,
            consent: consentLabel(profile),
            issues: profile.report.issues.map { IssueView(label: $0.label, message: $0.message, href: Self.href(of: $0, base: base)) },
            forms: [
                LinkView(href: "\(base)/aviso", label: "Aviso de privacidad"),
                LinkView(href: "\(base)/curricular", label: "Cuestionario curricular"),
                LinkView(href: "\(base)/identidad", label: "Cuestionario de identidad"),
                LinkView(href: "\(base)/consentimiento", label: "Consentimiento para publicar el cuestionario de identidad"),
                LinkView(href: "\(base)/foto", label: "Foto del perfil"),
            ]
                + (candidacy.postulatingEntity.kind == .independent
                    ? [LinkView(href: "\(base)/consentimiento-expreso", label: "Formato de consentimiento expreso (candidaturas independientes)")] : []),
            modifying: profile.state == .modifying,
            canSubmitModification: Authorization.mayAuthorize(user, candidacy))
        return try ctx.page("captura/perfil", title: "Perfil de \(candidacy.fullName)", view).response(from: request, context: ctx)
    }

    func territory(of candidacy: Candidacy) -> String? {
        if let municipality = candidacy.municipality {
            return "Municipio: " + (context.catalogs.municipalities.entry(forKey: municipality)?.name ?? municipality)
        }
        if let district = candidacy.district { return "Distrito \(district)" }
        if let position = candidacy.listPosition { return "Lista de representación proporcional, posición \(position)" }
        return nil
    }

    /// Where the form field of `issue` is.
    static func href(of issue: FieldIssue, base: String) -> String? {
        if issue.field == ProfileCompleteness.privacyNoticeField.id { return "\(base)/aviso" }
        if issue.field == CurricularQuestionnaire.Field.photo.id { return "\(base)/foto" }
        if let id = CurricularForm.elementID(for: issue.field) { return "\(base)/curricular#\(id)" }
        if let id = IdentityView.elementID(for: issue.field) { return "\(base)/identidad#\(id)" }
        return nil
    }

    /// The consent in force, in words; for an independent candidacy, whether the signed
    /// express-consent form (what makes its answers public) was received.
    func consentLabel(_ profile: ProfileCaptureState) -> String {
        let independent = profile.candidacy.postulatingEntity.kind == .independent
        switch profile.consent {
        case .notGiven:
            return "No ha dado su consentimiento: las respuestas de identidad solo se usan para estadísticas."
        case .granted(let at) where independent && profile.consentBySignedForm:
            return "La instancia interna recibió el \(spanishDate(at)) su formato de consentimiento expreso firmado, que autoriza publicar: "
                + "las respuestas de identidad se publican en el perfil."
        case .granted(let at) where independent:
            return "Dio su consentimiento el \(spanishDate(at)), pero en una candidatura independiente las respuestas de identidad se "
                + "publican solo cuando la instancia interna recibe el formato de consentimiento expreso firmado."
        case .granted(let at):
            return "Dio su consentimiento el \(spanishDate(at)): las respuestas de identidad se publican en el perfil."
        case .revoked(let at):
            return "Revocó su consentimiento el \(spanishDate(at)): las respuestas de identidad solo se usan para estadísticas."
        }
    }

    /// A moment as a Spanish date and time in the process's time zone.
    func spanishDate(_ date: Date) -> String {
        SpanishDates.dateTime(date, timeZone: context.process.timeZone)
    }

    // MARK: Privacy notice

    struct NoticeView {
        let csrf: String
        let status: StatusView
        let action: String
        let accepted: Bool
        let fullNotice: String
        let electoralBody: String
    }

    struct FullNoticeView {
        let electoralBody: String
    }

    struct SimplifiedNoticeView {
        let electoralBody: String
        let fullNotice: String
    }

    /// The simplified notice for anyone (the plan: both notices are published on the
    /// institute's site); the same text the capture portal asks to accept.
    @Sendable func simplifiedNotice(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        try ctx.page(
            "captura/aviso-simplificado", title: "Aviso de privacidad simplificado",
            SimplifiedNoticeView(electoralBody: context.process.electoralBody, fullNotice: PrivacyNotice.fullNoticePath)
        )
        .response(from: request, context: ctx)
    }

    @Sendable func fullNotice(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        try ctx.page(
            "captura/aviso-integral", title: "Aviso de privacidad integral",
            FullNoticeView(electoralBody: context.process.electoralBody)
        ).response(from: request, context: ctx)
    }

    @Sendable func notice(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        return try ctx.page(
            "captura/aviso", title: "Aviso de privacidad",
            NoticeView(
                csrf: ctx.csrf, status: StatusView(profile), action: "/candidaturas/\(candidacy.id)/aviso",
                accepted: profile.noticeAccepted, fullNotice: PrivacyNotice.fullNoticePath, electoralBody: context.process.electoralBody)
        ).response(from: request, context: ctx)
    }

    @Sendable func acceptNotice(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await access(request, ctx)
        try await context.questionnaires(logger: ctx.logger)
            .acceptPrivacyNotice(version: PrivacyNotice.version, for: candidacy.id, by: Self.actor(user))
        ctx.logger.info("privacy notice accepted", metadata: ["candidacy_id": "\(candidacy.id)", "version": "\(PrivacyNotice.version)"])
        _ = try await context.syncWorkflow(of: candidacy, by: user, changed: false, logger: ctx.logger)
        return .redirect(to: "/candidaturas/\(candidacy.id)", type: .normal)
    }
}
