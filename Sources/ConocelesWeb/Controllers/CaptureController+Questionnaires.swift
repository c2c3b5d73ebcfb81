import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import JobArguments
import Storage

/// The curricular and identity forms. A save keeps everything typed, valid or not: invalid
/// values are stored as typed and flagged beside their fields (the profile stays incomplete
/// until they are fixed); contact data is rewritten to its canonical form and the rewrite
/// shown. Every form carries the revision it was read at: a save based on an older one is
/// merged with the other person's (curricular, part by part) or shown beside it so the person
/// chooses. The workflow is kept in step after each save.
extension CaptureController {
    // MARK: Curricular

    @Sendable func curricular(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        var answers = profile.curricular
        var state = try await formState(profile, request, saved: profile.curricularSaved, ctx)
        state.fingerprints = CurricularPart.fingerprints(profile.curricular)
        if profile.isEditable, let kept = try await keptForm(request, ctx) {
            let form = try Forms.decode(CurricularForm.self, body: kept.body)
            (answers, _) = form.normalizedQuestionnaire(keeping: profile.curricular)
            state.revision = form.revision.flatMap(Int.init) ?? state.revision
            state.fingerprints = form.fingerprints ?? state.fingerprints
            state.recovered = Self.recoveredMessage(kept.keptAt, timeZone: context.process.timeZone)
            state.discardAction = "\(request.uri.path)/descartar"
        }
        let view = CurricularView(answers: answers, profile: profile, csrf: ctx.csrf, rules: context.process.rules, state: state)
        return try ctx.page("captura/curricular", title: "Cuestionario curricular", view, notice: Self.savedNotice(request, profile))
            .response(from: request, context: ctx)
    }

    @Sendable func saveCurricular(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        if ctx.user == nil { return try await keepExpired(request, ctx) }
        let (user, candidacy) = try await access(request, ctx)
        let body = try await Forms.body(of: request)
        let form = try Forms.decode(CurricularForm.self, body: body)
        let posted = form.revision.flatMap(Int.init)
        for attempt in 1...3 {
            let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
            if let gate = noticeGate(profile) { return gate }
            guard profile.isEditable else { return try closed(request, ctx, profile) }
            let normalized = form.normalizedQuestionnaire(keeping: profile.curricular)
            var answers = normalized.0
            let adjustments = normalized.1
            let current = profile.curricularSaved?.revision ?? 0
            var mergedFrom: CurricularMerge?
            if let posted, posted != current {
                let merge = CurricularPart.merge(mine: answers, base: CurricularPart.parse(form.fingerprints), saved: profile.curricular)
                guard merge.conflicts.isEmpty else {
                    return try await curricularConflict(request, ctx, profile, mine: merge.merged, conflicts: merge.conflicts)
                }
                answers = merge.merged
                mergedFrom = CurricularMerge(profile.curricularSaved)
            } else {
                // The choices of a conflict page: the saved version of the parts the person chose to keep.
                for part in CurricularPart.all where CSRFMiddleware.field("conservar_\(part.id)", in: body) == "guardada" {
                    part.copy(profile.curricular, &answers)
                }
            }
            do {
                try await context.questionnaires(logger: ctx.logger)
                    .saveCurricular(answers, for: candidacy.id, by: Self.actor(user), expectedRevision: posted == nil ? nil : current)
            } catch let error as StorageError where error.code == .stale && attempt < 3 {
                continue  // another save landed between the read and this one: merge again on a fresh read
            } catch let error as StorageError where error.code == .conflict {
                return try closed(request, ctx, try await context.captureProfile(candidacy, logger: ctx.logger))
            }
            ctx.logger.info("curricular questionnaire saved", metadata: ["candidacy_id": "\(candidacy.id)"])
            try await forgetKeptForm(request, ctx)
            let after = try await context.syncWorkflow(of: candidacy, by: user, changed: answers != profile.curricular, logger: ctx.logger)
            let invalid = !answers.draftIssues(rules: context.process.rules).issues.isEmpty
            guard invalid || !adjustments.isEmpty || mergedFrom != nil else {
                return .redirect(to: "/candidaturas/\(candidacy.id)/curricular?guardado=1", type: .normal)
            }
            var state = try await formState(after, request, saved: after.curricularSaved, ctx)
            state.fingerprints = CurricularPart.fingerprints(after.curricular)
            var mergedWith: String?
            if let mergedFrom { mergedWith = try await savedBy(mergedFrom.by, ctx) }
            state.outcome = Self.savedOutcome(after, merged: mergedWith)
            state.adjust(adjustments.map { "\($0.field.label): «\($0.typed)» se guardó como «\($0.kept)»." })
            let view = CurricularView(answers: after.curricular, profile: after, csrf: ctx.csrf, rules: context.process.rules, state: state)
            return try ctx.page("captura/curricular", title: "Cuestionario curricular", view).response(from: request, context: ctx)
        }
        throw StorageError(.stale, "El cuestionario cambió varias veces mientras se guardaba.")
    }

    /// Who saved the version a save was merged with.
    struct CurricularMerge {
        let by: String
        init?(_ saved: QuestionnaireRepository.SavedRevision?) {
            guard let saved else { return nil }
            by = saved.updatedBy
        }
    }

    /// The page of a save whose parts conflict with another person's: the form shows this
    /// person's answers (merged with the other's where only one changed), based on the
    /// current revision, and each conflicting part with both versions and the choice. 409.
    func curricularConflict(
        _ request: Request, _ ctx: WebRequestContext, _ profile: ProfileCaptureState, mine: CurricularQuestionnaire,
        conflicts: [CurricularPart]
    ) async throws -> Response {
        var state = try await formState(profile, request, saved: profile.curricularSaved, ctx)
        state.fingerprints = CurricularPart.fingerprints(profile.curricular)
        let by = try await savedBy(profile.curricularSaved?.updatedBy, ctx)
        state.conflict(
            conflicts.map { part in
                ConflictView(id: part.id, label: part.label, mine: Self.shown(part.text(mine)), saved: Self.shown(part.text(profile.curricular)), savedBy: by)
            })
        state.recovered = "Su cambio aún no se guarda: \(by) guardó este cuestionario después de que usted lo abrió. Elija abajo qué conservar."
        ctx.logger.info(
            "curricular save conflicts with a newer revision",
            metadata: [
                "candidacy_id": "\(profile.candidacy.id)", "parts": "\(conflicts.map(\.id).joined(separator: ","))",
            ])
        let view = CurricularView(answers: mine, profile: profile, csrf: ctx.csrf, rules: context.process.rules, state: state)
        return try ctx.page("captura/curricular", title: "Cuestionario curricular", view, status: .conflict).response(from: request, context: ctx)
    }

    // MARK: Identity

    @Sendable func identity(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await access(request, ctx)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        var answers = profile.identity ?? IdentityQuestionnaire()
        var state = try await formState(profile, request, saved: profile.identitySaved, ctx)
        if profile.isEditable, let kept = try await keptForm(request, ctx) {
            let form = try Forms.decode(IdentityForm.self, body: kept.body)
            answers = form.questionnaire()
            state.revision = form.revision.flatMap(Int.init) ?? state.revision
            state.recovered = Self.recoveredMessage(kept.keptAt, timeZone: context.process.timeZone)
            state.discardAction = "\(request.uri.path)/descartar"
        }
        let view = IdentityView(answers: answers, profile: profile, catalogs: context.catalogs, csrf: ctx.csrf, state: state)
        return try ctx.page("captura/identidad", title: "Cuestionario de identidad", view, notice: Self.savedNotice(request, profile))
            .response(from: request, context: ctx)
    }

    @Sendable func saveIdentity(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        if ctx.user == nil { return try await keepExpired(request, ctx) }
        let (user, candidacy) = try await access(request, ctx)
        var body = try await Forms.body(of: request)
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        if let gate = noticeGate(profile) { return gate }
        guard profile.isEditable else { return try closed(request, ctx, profile) }
        let posted = try Forms.decode(IdentityForm.self, body: body).revision.flatMap(Int.init)
        let current = profile.identitySaved?.revision ?? 0
        if posted == nil || posted == current {
            // The choices of a conflict page: the saved answers of the questions the person chose to keep.
            let saved = IdentityView(
                answers: profile.identity ?? IdentityQuestionnaire(), profile: profile, catalogs: context.catalogs,
                csrf: "", state: FormState(draftKey: "", sessionSeconds: 0))
            let keep = Set(saved.questions.map(\.id).filter { CSRFMiddleware.field("conservar_\($0)", in: body) == "guardada" })
            body = saved.replacing(keep, in: body)
        }
        let form = try Forms.decode(IdentityForm.self, body: body)
        let answers = form.questionnaire()
        if let posted, posted != current { return try await identityConflict(request, ctx, candidacy, mine: answers) }
        do {
            try await context.questionnaires(logger: ctx.logger)
                .saveIdentity(answers, for: candidacy.id, by: Self.actor(user), expectedRevision: posted == nil ? nil : current)
        } catch let error as StorageError where error.code == .stale {
            // Another save landed between the read above and this one (compare and set).
            return try await identityConflict(request, ctx, candidacy, mine: answers)
        } catch let error as StorageError where error.code == .conflict || error.code == .blocked {
            return try closed(request, ctx, try await context.captureProfile(candidacy, logger: ctx.logger))
        }
        // The answers are sensitive: the log says that they were saved, never what they say.
        ctx.logger.info("identity questionnaire saved", metadata: ["candidacy_id": "\(candidacy.id)"])
        try await forgetKeptForm(request, ctx)
        let after = try await context.syncWorkflow(of: candidacy, by: user, changed: answers != profile.identity, logger: ctx.logger)
        let dropped = form.droppedFollowUps
        let pending = !answers.draftIssues(catalogs: context.catalogs).issues.isEmpty
        guard pending || !dropped.isEmpty else {
            return .redirect(to: "/candidaturas/\(candidacy.id)/identidad?guardado=1", type: .normal)
        }
        var state = try await formState(after, request, saved: after.identitySaved, ctx)
        state.outcome =
            Self.savedOutcome(after, merged: nil)
            + dropped.map {
                " Respondió «No» o «Prefiero no contestar» a «\($0.label)»: las preguntas que le siguen no aplican y sus respuestas a ellas no se guardaron."
            }
            .joined()
        let view = IdentityView(answers: after.identity ?? answers, profile: after, catalogs: context.catalogs, csrf: ctx.csrf, state: state)
        return try ctx.page("captura/identidad", title: "Cuestionario de identidad", view).response(from: request, context: ctx)
    }

    /// The page of an identity save based on an older revision: this person's answers in the
    /// form (based on the current revision, so saving again keeps them), and the questions
    /// whose answers differ from the saved ones, both shown. 409.
    func identityConflict(_ request: Request, _ ctx: WebRequestContext, _ candidacy: Candidacy, mine: IdentityQuestionnaire) async throws -> Response {
        let profile = try await context.captureProfile(candidacy, logger: ctx.logger)
        guard profile.isEditable else { return try closed(request, ctx, profile) }
        var state = try await formState(profile, request, saved: profile.identitySaved, ctx)
        let by = try await savedBy(profile.identitySaved?.updatedBy, ctx)
        let saved = IdentityView(
            answers: profile.identity ?? IdentityQuestionnaire(), profile: profile, catalogs: context.catalogs,
            csrf: "", state: state)
        let typed = IdentityView(answers: mine, profile: profile, catalogs: context.catalogs, csrf: "", state: state)
        state.conflict(
            IdentityView.differences(typed, saved).map {
                ConflictView(id: $0.id, label: $0.label, mine: $0.mine, saved: $0.saved, savedBy: by)
            })
        state.recovered = "Sus respuestas aún no se guardan: \(by) guardó este cuestionario después de que usted lo abrió."
        ctx.logger.info("identity save conflicts with a newer revision", metadata: ["candidacy_id": "\(candidacy.id)"])
        let page = IdentityView(answers: mine, profile: profile, catalogs: context.catalogs, csrf: ctx.csrf, state: state)
        return try ctx.page("captura/identidad", title: "Cuestionario de identidad", page, status: .conflict).response(from: request, context: ctx)
    }

    // MARK: Shared

    /// The state of a form read now: the revision of `saved` and who saved it.
    func formState(
        _ profile: ProfileCaptureState, _ request: Request, saved: QuestionnaireRepository.SavedRevision?,
        _ ctx: WebRequestContext
    ) async throws -> FormState {
        var lastSaved: String?
        if let saved {
            lastSaved = "Guardado por última vez por \(try await savedBy(saved.updatedBy, ctx)) el \(spanishDate(saved.updatedAt))."
        }
        let path = "/candidaturas/\(profile.candidacy.id)/\(request.uri.path.hasSuffix("/identidad") ? "identidad" : "curricular")"
        var state = FormState(
            revision: saved?.revision ?? 0, lastSaved: lastSaved, draftKey: path,
            sessionSeconds: Int(context.sessionTTL.components.seconds))
        state.staffNotes = FieldNotes.latest(profile)
        return state
    }

    /// The name and role of the account whose id is `actorID` (an audit actor's id), or what
    /// saved without an account.
    func savedBy(_ actorID: String?, _ ctx: WebRequestContext) async throws -> String {
        guard let actorID, let id = UUID(uuidString: actorID),
            let account = try await AccountRepository(client: context.database.client, logger: ctx.logger).account(id: id)
        else { return "el sistema" }
        let role =
            switch account.role {
            case .candidate: "persona candidata"
            case .representative: "representación"
            default: account.role.label.lowercased()
            }
        return "\(account.displayName) (\(role))"
    }

    /// What a save with something to report says: saved, and how complete the profile is.
    static func savedOutcome(_ profile: ProfileCaptureState, merged: String?) -> String {
        let merge = merged.map { " \($0) había guardado cambios mientras usted escribía: se combinaron con los suyos." } ?? ""
        return "Se guardaron sus respuestas.\(merge) "
            + (profile.report.isComplete ? "El perfil está completo." : profile.report.summary)
    }

    /// A value as a conflict shows it.
    static func shown(_ text: String) -> String { text.isEmpty ? "(vacío)" : text }

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
        let notice: String? =
            switch request.uri.queryParameters.get("registrado") {
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
            return try ctx.page(
                "captura/consentimiento", title: "Consentimiento",
                consentView(profile, user, ctx, error: "Elija si da o revoca su consentimiento."), status: .unprocessableContent
            )
            .response(from: request, context: ctx)
        }
        if granted, candidacy.postulatingEntity.kind == .independent {
            return try ctx.page(
                "captura/consentimiento", title: "Consentimiento", consentView(profile, user, ctx, error: Self.independentConsent),
                status: .conflict
            )
            .response(from: request, context: ctx)
        }
        let jobs = context.jobs, processID = context.process.id, logger = ctx.logger
        try await context.questionnaires(logger: ctx.logger).recordConsent(granted: granted, for: candidacy.id, by: Self.actor(user)) { connection in
            try await PublicationProfileRefreshJob.enqueue(
                processID: processID, candidacyID: candidacy.id, reason: granted ? "consentimiento" : "revocacion", jobs: jobs,
                on: connection, logger: logger)
        }
        ctx.logger.info("identity consent recorded", metadata: ["candidacy_id": "\(candidacy.id)", "granted": "\(granted)"])
        return .redirect(to: "/candidaturas/\(candidacy.id)/consentimiento?registrado=\(granted ? "otorgado" : "revocado")", type: .normal)
    }

    /// Why an independent candidacy cannot consent with the button.
    static let independentConsent =
        "En una candidatura independiente el consentimiento para publicar las respuestas de identidad "
        + "se da con el formato de consentimiento expreso firmado: descárguelo, fírmelo y súbalo en «Formato de consentimiento "
        + "expreso». Las respuestas se publican cuando la instancia interna lo recibe."

    func consentView(_ profile: ProfileCaptureState, _ user: Account, _ ctx: WebRequestContext, error: String?) -> ConsentView {
        ConsentView(
            csrf: ctx.csrf, status: StatusView(profile), action: "/candidaturas/\(profile.candidacy.id)/consentimiento",
            current: consentLabel(profile), granted: profile.consent.isGranted,
            mayDecide: Authorization.consenting.contains(user.role),
            independent: profile.candidacy.postulatingEntity.kind == .independent,
            affirmativeAction: profile.candidacy.affirmativeAction?.label, error: error)
    }
}
