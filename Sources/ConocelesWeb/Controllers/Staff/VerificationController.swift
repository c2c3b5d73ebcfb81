import ConocelesCore
import Foundation
import Hummingbird
import JobArguments
import JobQueue
import PostgresNIO
import Storage

/// `/instancia/verificacion` and `/instancia/candidaturas/{id}`: the queue of profiles
/// waiting for the transparency office, a profile as staff review it (what changed since
/// its last published version), and staff's transitions: return with observations, verify,
/// publish. Transparency staff only.
struct VerificationController {
    let context: WebContext

    /// Profiles per page of the queue.
    static let pageSize = 100

    /// The states in which staff verify, publish or return a profile (modification requests
    /// have their own page): read from the lifecycle, not listed by hand.
    static let queueStates: [ProfileState] = ProfileState.allCases.filter { state in
        ProfileLifecycle.actions(availableTo: .staff, in: state)
            .contains { $0 != .approveModification && $0 != .rejectModification }
    }

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/verificacion", use: queue)
        router.get("/instancia/candidaturas/:id", use: review)
        router.post("/instancia/candidaturas/:id/devolver", use: returnProfile)
        router.post("/instancia/candidaturas/:id/verificar", use: verify)
        router.post("/instancia/candidaturas/:id/publicar", use: publish)
        router.get("/instancia/candidaturas/:id/bitacora", use: trail)
        router.get("/instancia/candidaturas/:id/foto", use: photoToPublish)
    }

    func workflows(_ ctx: WebRequestContext) -> ProfileWorkflowRepository {
        ProfileWorkflowRepository(client: context.database.client, logger: ctx.logger)
    }

    // MARK: Queue

    @Sendable func queue(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reviewing, request: request)
        let query = request.uri.queryParameters
        let process = context.process
        let office = query.get("cargo").flatMap { code in process.office(code: code) == nil ? nil : code }
        let entityKey = query.get("entidad") ?? ""
        let entity = Self.entityOptions(process).first { $0.key == entityKey }?.entity
        let page = max(1, min(10_000, query.get("pagina").flatMap { Int($0) } ?? 1))
        let filter = ProfileWorkflowRepository.QueueFilter(states: Self.queueStates, officeCode: office, entity: entity)
        let repository = workflows(ctx)
        let counts = try await repository.queueCounts(processID: process.id, filter)
        let rows = try await repository.queue(processID: process.id, filter, limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
        let total = counts.values.reduce(0, +)
        let format = StaffFormat(timeZoneIdentifier: process.timeZone)
        var view = QueueView(
            offices: process.offices.map { OptionView(value: $0.code, label: $0.name, selected: $0.code == office) },
            entities: Self.entityOptions(process).map { OptionView(value: $0.key, label: $0.label, selected: $0.key == entityKey && entity != nil) },
            counts: Self.queueStates.map { CountView(label: $0.label, count: counts[$0] ?? 0) },
            total: total,
            rows: rows.map { item in
                QueueRowView(
                    href: "/instancia/candidaturas/\(queryValue(item.candidacy.id))", name: item.candidacy.fullName,
                    id: item.candidacy.id, office: context.officeName(item.candidacy),
                    entity: context.entityName(item.candidacy.postulatingEntity), state: item.state.label,
                    since: format.dateTime(item.since))
            },
            pager: PagerView(page: page, size: Self.pageSize, total: total) { number in
                "/instancia/verificacion?cargo=\(queryValue(office ?? ""))&entidad=\(queryValue(entity == nil ? "" : entityKey))&pagina=\(number)"
            })
        view.publication = try await PublicationStaffController(context: context).line(ctx)
        let notice = query.get("hecho") == "republicar" ? "Se pidió reconstruir el sitio público; estará al día en unos momentos." : nil
        return try ctx.page("instancia/verificacion", title: "Verificación de perfiles", view, notice: notice).response(from: request, context: ctx)
    }

    /// The parties, coalitions and common candidacies of the process as filter options.
    static func entityOptions(_ process: ElectionProcess) -> [(key: String, label: String, entity: PostulatingEntity)] {
        process.parties.map { party in
            let entity = PostulatingEntity.party(code: party.code)
            return ("\(entity.kind.rawValue):\(party.code)", party.name, entity)
        }
            + process.coalitions.map { coalition in
                let entity: PostulatingEntity = coalition.kind == .coalition ? .coalition(code: coalition.code) : .commonCandidacy(code: coalition.code)
                return ("\(entity.kind.rawValue):\(coalition.code)", coalition.name, entity)
            }
    }

    // MARK: Review

    @Sendable func review(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        let candidacy = try await context.reviewableCandidacy(try ctx.parameters.require("id"), by: user, logger: ctx.logger)
        let notice = request.uri.queryParameters.get("hecho").flatMap { Self.notices[$0] }
        return try await reviewPage(candidacy, ctx, notice: notice).response(from: request, context: ctx)
    }

    /// Confirmations after an action (fixed texts chosen by key, never echoed input).
    static let notices: [String: String] = [
        "devuelto": "El perfil se devolvió con observaciones; se avisará por correo a la persona candidata y a su representación.",
        "verificado": "El perfil quedó verificado.",
        "publicado": "El perfil quedó publicado.",
        "aprobada": "La solicitud de modificación quedó aprobada.",
        "rechazada": "La solicitud de modificación quedó rechazada.",
    ]

    func reviewPage(
        _ candidacy: Candidacy, _ ctx: WebRequestContext, notice: String? = nil, error: String? = nil,
        observations: String = "", observationsError: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> WebPage {
        let client = context.database.client
        let questionnaires = QuestionnaireRepository(client: client, cipher: context.cipher, logger: ctx.logger)
        let workflow = try await workflows(ctx).workflow(for: candidacy.id)
        let stored = try await questionnaires.curricular(for: candidacy.id)
        let photo = try await questionnaires.photoStatus(for: candidacy.id)
        let identity = try await questionnaires.sealedIdentity(for: candidacy.id)
        let consent = try await questionnaires.consent(for: candidacy.id)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let fields = CurricularFields(rules: context.process.rules)
        let current = fields.lines(stored?.answers ?? CurricularQuestionnaire())
        let published = stored?.published.map(fields.lines)
        let fieldViews = current.enumerated().map { index, line in
            let before = published?[index].text
            let changed = before != nil && before != line.text
            return FieldView(
                label: line.label, text: line.text, empty: line.text.isEmpty, changed: changed,
                segments: changed ? TextDiff.segments(from: before ?? "", to: line.text).map(SegmentView.init) : [])
        }
        let actions = ProfileLifecycle.actions(availableTo: .staff, in: workflow.state)
        let view = ReviewView(
            csrf: ctx.csrf, id: candidacy.id, base: "/instancia/candidaturas/\(queryValue(candidacy.id))",
            name: candidacy.fullName, office: context.officeName(candidacy), position: candidacy.formulaPosition.label,
            entity: context.entityName(candidacy.postulatingEntity), state: workflow.state.label,
            captured: stored != nil,
            publishedAt: stored?.publishedAt.map { format.dateTime($0) },
            changedCount: fieldViews.filter(\.changed).count,
            fields: fieldViews,
            photo: photo.map { PhotoView(status: $0.label, reason: $0.rejectionReason, uploadedAt: format.dateTime($0.uploadedAt)) },
            photoToPublish: stored?.answers.photo == nil ? nil : "/instancia/candidaturas/\(queryValue(candidacy.id))/foto",
            photoTakenOn: (stored?.answers.photo?.takenOn).map { day in
                "\(day.spanishDescription) (\(stored?.answers.photo?.takenOnSource == .exif ? "registrada por la cámara" : "declarada por la persona"))"
            },
            photoMaximumAgeMonths: context.process.rules.photoMaximumAgeMonths,
            identity: identity.map { $0.blocked ? "Bloqueado" : "Respondido" } ?? "No respondido",
            consent: consent.isGranted ? "Sí" : "No",
            canVerify: actions.contains(.verify) || actions.contains(.reverify),
            canPublish: actions.contains(.publish) || actions.contains(.republish),
            canReturn: actions.contains(.returnWithObservations),
            canDecideModification: actions.contains(.approveModification),
            error: error, observations: observations, observationsError: observationsError)
        return ctx.page("instancia/candidatura", title: "Revisión: \(candidacy.fullName)", view, status: status, notice: notice)
    }

    // MARK: Actions

    struct ReturnForm: Decodable {
        var observaciones: String?
        /// Optional observations on single fields: the part (`FieldNotes.targets`) and the text, pairwise.
        var campos: [String]?
        var textos: [String]?

        enum CodingKeys: String, CodingKey {
            case observaciones, campos = "campo_observacion", textos = "texto_observacion"
        }

        /// The pairs with a known part and a text (at most 2,000 characters each).
        func fieldNotes(at date: Date, by actor: String) -> [FieldObservationRepository.FieldObservation] {
            let known = Set(FieldNotes.targets.map(\.id))
            return zip(campos ?? [], textos ?? []).compactMap { field, text in
                let trimmed = CurricularForm.text(text)
                guard known.contains(field), !trimmed.isEmpty else { return nil }
                return .init(field: field, observation: String(trimmed.prefix(2_000)), madeAt: date, madeBy: actor)
            }
        }
    }

    struct VerifyForm: Decodable {
        var publicar: String?
    }

    @Sendable func returnProfile(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        let candidacy = try await context.reviewableCandidacy(try ctx.parameters.require("id"), by: user, logger: ctx.logger)
        let form = try await Forms.decode(ReturnForm.self, from: request)
        let observations = form.observaciones ?? ""
        let jobs = context.jobs, client = context.database.client, logger = ctx.logger
        do {
            try await workflows(ctx).apply(
                .returnWithObservations, to: candidacy.id, by: Self.actor(user), observations: observations
            ) { transition, connection in
                try await FieldObservationRepository(client: client, logger: logger)
                    .record(form.fieldNotes(at: transition.at, by: transition.actor.id), for: candidacy.id, on: connection)
                // The e-mail commits with the return, or neither does.
                try await jobs.insertMany(
                    [
                        try NewJob(
                            ProfileReturnedMailJob(candidacyID: candidacy.id, returnedAt: transition.at))
                    ], on: connection)
            }
        } catch let error as ProfileTransitionError {
            let isObservations = error.code == .observationsRequired
            return try await reviewPage(
                candidacy, ctx, error: isObservations ? nil : error.message, observations: observations,
                observationsError: isObservations ? error.message : nil, status: Self.status(of: error)
            )
            .response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict {
            return try await reviewPage(candidacy, ctx, error: error.message, observations: observations, status: error.status)
                .response(from: request, context: ctx)
        }
        ctx.logger.info("profile returned", metadata: ["candidacy_id": "\(candidacy.id)"])
        return Self.redirect(to: candidacy, done: "devuelto")
    }

    @Sendable func verify(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        let candidacy = try await context.reviewableCandidacy(try ctx.parameters.require("id"), by: user, logger: ctx.logger)
        let form = try await Forms.decode(VerifyForm.self, from: request)
        let repository = workflows(ctx)
        do {
            let state = try await repository.workflow(for: candidacy.id).state
            let verification: ProfileAction = state == .modificationSubmitted ? .reverify : .verify
            if let refusal = try await photoRefusal(candidacy, ctx) {
                return try await reviewPage(candidacy, ctx, error: refusal, status: .unprocessableContent).response(from: request, context: ctx)
            }
            let verified = try await repository.apply(verification, to: candidacy.id, by: Self.actor(user))
            guard form.publicar == "si" else { return Self.redirect(to: candidacy, done: "verificado") }
            try await repository.apply(
                verified.to == .reverified ? .republish : .publish, to: candidacy.id, by: Self.actor(user),
                alongside: refreshPublication(candidacy.id, ctx))
        } catch let error as ProfileTransitionError {
            return try await reviewPage(candidacy, ctx, error: error.message, status: Self.status(of: error))
                .response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict {
            return try await reviewPage(candidacy, ctx, error: error.message, status: error.status).response(from: request, context: ctx)
        }
        ctx.logger.info("profile verified and published", metadata: ["candidacy_id": "\(candidacy.id)"])
        return Self.redirect(to: candidacy, done: "publicado")
    }

    @Sendable func publish(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        let candidacy = try await context.reviewableCandidacy(try ctx.parameters.require("id"), by: user, logger: ctx.logger)
        let repository = workflows(ctx)
        do {
            let state = try await repository.workflow(for: candidacy.id).state
            if let refusal = try await photoRefusal(candidacy, ctx) {
                return try await reviewPage(candidacy, ctx, error: refusal, status: .unprocessableContent).response(from: request, context: ctx)
            }
            try await repository.apply(
                state == .reverified ? .republish : .publish, to: candidacy.id, by: Self.actor(user),
                alongside: refreshPublication(candidacy.id, ctx))
        } catch let error as ProfileTransitionError {
            return try await reviewPage(candidacy, ctx, error: error.message, status: Self.status(of: error))
                .response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict {
            return try await reviewPage(candidacy, ctx, error: error.message, status: error.status).response(from: request, context: ctx)
        }
        ctx.logger.info("profile published", metadata: ["candidacy_id": "\(candidacy.id)"])
        return Self.redirect(to: candidacy, done: "publicado")
    }

    /// Why the profile's photo may not be verified or published today, or nil: its age
    /// (at most `rules.photoMaximumAgeMonths` months before the publication) checked again
    /// against this day (`WebContext.photoReferenceDate`: today, or the first publication
    /// day before it), since a photo fine when captured may be too old by the time staff
    /// verify or publish.
    func photoRefusal(_ candidacy: Candidacy, _ ctx: WebRequestContext) async throws -> String? {
        let questionnaires = QuestionnaireRepository(client: context.database.client, cipher: context.cipher, logger: ctx.logger)
        guard let answers = try await questionnaires.curricular(for: candidacy.id)?.answers,
            let problem = answers.photoDateProblem(rules: context.process.rules, referenceDate: context.photoReferenceDate())
        else { return nil }
        return "La fotografía no cumple la regla de antigüedad a la fecha de hoy: \(problem) "
            + "Devuelva el perfil con observaciones para que envíen una foto reciente."
    }

    /// Asks, in the publication's transaction, for this one profile to be refreshed in the
    /// public snapshot (`publication.refresh_profile`: no full rebuild for one profile).
    func refreshPublication(_ candidacyID: String, _ ctx: WebRequestContext) -> @Sendable (ProfileTransition, PostgresConnection) async throws -> Void {
        let jobs = context.jobs, processID = context.process.id, logger = ctx.logger
        return { transition, connection in
            try await PublicationProfileRefreshJob.enqueue(
                processID: processID, candidacyID: candidacyID, reason: transition.action.rawValue, jobs: jobs, on: connection, logger: logger)
        }
    }

    /// Staff acting on a profile.
    static func actor(_ user: Account) -> ProfileActor {
        ProfileActor(role: .staff, id: user.id.uuidString)
    }

    /// 409 when the state does not allow the action, 403 for the role, 422 for the rest.
    static func status(of error: ProfileTransitionError) -> HTTPResponse.Status {
        switch error.code {
        case .transitionNotAllowed, .modificationExhausted: .conflict
        case .actorNotAllowed: .forbidden
        case .observationsRequired, .profileIncomplete: .unprocessableContent
        }
    }

    static func redirect(to candidacy: Candidacy, done: String) -> Response {
        Response(status: .seeOther, headers: [.location: "/instancia/candidaturas/\(queryValue(candidacy.id))?hecho=\(done)"])
    }

    /// The thumbnail of the photo the profile refers to: what verifying and publishing it
    /// would publish (a photo changed later sends the profile back for authorization).
    @Sendable func photoToPublish(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        let candidacy = try await context.reviewableCandidacy(try ctx.parameters.require("id"), by: user, logger: ctx.logger)
        let questionnaires = QuestionnaireRepository(client: context.database.client, cipher: context.cipher, logger: ctx.logger)
        guard let reference = try await questionnaires.curricular(for: candidacy.id)?.answers.photo,
            let photo = try await PhotoRepository(client: context.database.client, logger: ctx.logger)
                .photo(candidacyID: candidacy.id, sha256: reference.sha256)
        else { throw WebError.notFound }
        return try await context.privateThumbnail(of: photo)
    }

    // MARK: Audit trail

    @Sendable func trail(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reviewing, request: request)
        let candidacy = try await context.reviewableCandidacy(try ctx.parameters.require("id"), by: user, logger: ctx.logger)
        let history = try await workflows(ctx).workflow(for: candidacy.id).history
        let records = try await AuditLog(client: context.database.client, logger: ctx.logger).records(forCandidacy: candidacy.id)
        let view = AuditTrail(format: StaffFormat(timeZoneIdentifier: context.process.timeZone))
            .view(of: candidacy, history: history, records: records, office: context.officeName(candidacy))
        return try ctx.page("instancia/bitacora", title: "Bitácora: \(candidacy.fullName)", view).response(from: request, context: ctx)
    }
}
