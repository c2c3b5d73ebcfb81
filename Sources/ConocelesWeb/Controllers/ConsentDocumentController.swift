import ConocelesCore
import Foundation
import Hummingbird
import JobArguments
import NIOCore
import Storage

/// The express consent of independent candidacies (the seed: the format is published for
/// them to download, sign and send; staff keep it and publish the identity answers only when
/// it authorizes so). `/candidaturas/{id}/consentimiento-expreso`: the printable format and
/// the upload of the signed PDF; `/instancia/consentimientos`: review by the transparency and
/// gender-equality offices; `/instancia/consentimientos/archivo`: every form and decision.
/// Receiving a form records the consent it states and refreshes the candidacy's public
/// profile in the same transaction.
struct ConsentDocumentController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/candidaturas/{id}/consentimiento-expreso", use: format)
        router.post("/candidaturas/{id}/consentimiento-expreso", use: upload)
        router.get("/instancia/consentimientos", use: pending)
        router.get("/instancia/consentimientos/archivo", use: archive)
        router.get("/instancia/consentimientos/{document}/documento.pdf", use: download)
        router.post("/instancia/consentimientos/{document}/recibir", use: receive)
        router.post("/instancia/consentimientos/{document}/rechazar", use: refuse)
    }

    func documents(_ ctx: WebRequestContext) -> ConsentDocumentRepository {
        ConsentDocumentRepository(client: context.database.client, cipher: context.cipher, blobs: context.blobs, logger: ctx.logger)
    }

    // MARK: The candidacy's side

    struct FormatView {
        let csrf: String
        let candidacyID: String
        let name: String
        let office: String
        let place: String?
        let entity: String
        let processName: String
        let electoralBody: String
        let maximumMB: Int
        let hasDocuments: Bool
        let documents: [Row]
        let error: String?

        struct Row {
            let uploadedAt: String
            let status: String
            let observations: String?
        }
    }

    /// The candidacy when `user` captures it and it is independent.
    func independentCandidacy(_ request: Request, _ ctx: WebRequestContext) async throws -> (Account, Candidacy) {
        let user = try ctx.requireUser(Authorization.capturing, request: request)
        let candidacy = try await context.capturableCandidacy(try ctx.parameters.require("id"), by: user, request: request, logger: ctx.logger)
        guard case .independent = candidacy.postulatingEntity else { throw WebError.notFound }
        return (user, candidacy)
    }

    @Sendable func format(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await independentCandidacy(request, ctx)
        if let gate = try await context.noticeGate(candidacy, logger: ctx.logger) { return gate }
        return try await formatPage(candidacy, ctx, request)
    }

    @Sendable func upload(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await independentCandidacy(request, ctx)
        // Nothing is read or stored before the privacy notice is accepted.
        if let gate = try await context.noticeGate(candidacy, logger: ctx.logger) { return gate }
        let repository = documents(ctx)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: repository.maximumBytes + 64 * 1_024)
        } catch {
            return try await formatPage(
                candidacy, ctx, request, error: ConsentDocumentError.tooLarge(maximumBytes: repository.maximumBytes).description,
                status: .contentTooLarge)
        }
        do {
            let parts = try MultipartForm.parse(body: body, contentType: request.headers[.contentType] ?? "")
            guard let file = parts.first(where: { $0.name == "documento" && $0.filename != nil }) else {
                return try await formatPage(candidacy, ctx, request, error: "Elija el archivo PDF del formato firmado.", status: .unprocessableContent)
            }
            _ = try await repository.store(file.bytes, for: candidacy.id, by: AuditActor(role: user.role, id: user.id.uuidString))
        } catch let error as MultipartForm.FormatError {
            return try await formatPage(candidacy, ctx, request, error: error.message, status: .badRequest)
        } catch let error as ConsentDocumentError {
            return try await formatPage(candidacy, ctx, request, error: error.description, status: .unprocessableContent)
        }
        ctx.logger.info("consent document received", metadata: ["candidacy_id": "\(candidacy.id)"])
        return .redirect(to: "/candidaturas/\(candidacy.id)/consentimiento-expreso", type: .normal)
    }

    func formatPage(
        _ candidacy: Candidacy, _ ctx: WebRequestContext, _ request: Request, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let stored = try await documents(ctx).documents(for: candidacy.id)
        let process = context.process
        let place = candidacy.municipality.map { "municipio \($0)" } ?? candidacy.district.map { "distrito \($0)" }
        let view = FormatView(
            csrf: ctx.csrf, candidacyID: candidacy.id, name: candidacy.fullName,
            office: process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode, place: place,
            entity: candidacy.postulatingEntity.code, processName: process.name, electoralBody: process.electoralBody,
            maximumMB: documents(ctx).maximumBytes / 1_048_576, hasDocuments: !stored.isEmpty,
            documents: stored.map {
                FormatView.Row(
                    uploadedAt: SpanishDates.dateTime($0.uploadedAt, timeZone: process.timeZone),
                    status: $0.status == .received
                        ? "Recibido (\($0.publishIdentity == true ? "autoriza publicar" : "no autoriza publicar"))" : $0.status.label,
                    observations: $0.observations)
            },
            error: error)
        return try ctx.page("consentimiento/formato", title: "Consentimiento expreso", view, status: status).response(from: request, context: ctx)
    }

    // MARK: Staff

    struct PendingView {
        let csrf: String
        let hasDocuments: Bool
        let documents: [Row]

        struct Row {
            let id: String
            let candidacyID: String
            let name: String
            let entity: String
            let uploadedAt: String
            let kilobytes: Int
            let csrf: String
        }
    }

    @Sendable func pending(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reviewingConsentForms, request: request)
        let candidacies = CandidacyRepository(client: context.database.client, logger: ctx.logger)
        var rows: [PendingView.Row] = []
        for document in try await documents(ctx).pending(processID: context.process.id) {
            let candidacy = try await candidacies.candidacy(id: document.candidacyID)
            rows.append(
                .init(
                    id: document.id.uuidString.lowercased(), candidacyID: document.candidacyID, name: candidacy?.fullName ?? "",
                    entity: candidacy?.postulatingEntity.code ?? "",
                    uploadedAt: SpanishDates.dateTime(document.uploadedAt, timeZone: context.process.timeZone),
                    kilobytes: max(1, document.byteCount / 1_024), csrf: ctx.csrf))
        }
        let notice = request.uri.queryParameters.get("hecho").map { $0 == "recibido" ? "Formato marcado como recibido." : "Formato rechazado." }
        return try ctx.page(
            "consentimiento/pendientes", title: "Consentimientos por revisar",
            PendingView(csrf: ctx.csrf, hasDocuments: !rows.isEmpty, documents: rows), notice: notice
        )
        .response(from: request, context: ctx)
    }

    struct ArchiveView {
        let hasDocuments: Bool
        let documents: [Row]

        struct Row {
            let id: String
            let candidacyID: String
            let name: String
            let entity: String
            let uploadedAt: String
            let status: String
            let decision: String?
            let observations: String?
            let reviewedAt: String?
            let reviewer: String?
        }
    }

    /// Every signed form of the process and what staff decided on it, newest first.
    @Sendable func archive(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reviewingConsentForms, request: request)
        let candidacies = CandidacyRepository(client: context.database.client, logger: ctx.logger)
        let accounts = AccountRepository(client: context.database.client, logger: ctx.logger)
        let timeZone = context.process.timeZone
        var reviewers: [String: String] = [:]
        var rows: [ArchiveView.Row] = []
        for document in try await documents(ctx).archive(processID: context.process.id) {
            let candidacy = try await candidacies.candidacy(id: document.candidacyID)
            var reviewer: String?
            if let id = document.reviewedBy {
                if reviewers[id] == nil, let uuid = UUID(uuidString: id) {
                    reviewers[id] = try await accounts.account(id: uuid).map { "\($0.displayName) (\($0.role.label))" } ?? id
                }
                reviewer = reviewers[id] ?? id
            }
            rows.append(
                .init(
                    id: document.id.uuidString.lowercased(), candidacyID: document.candidacyID, name: candidacy?.fullName ?? "",
                    entity: candidacy?.postulatingEntity.code ?? "", uploadedAt: SpanishDates.dateTime(document.uploadedAt, timeZone: timeZone),
                    status: document.status.label,
                    decision: document.publishIdentity.map { $0 ? "Autoriza publicar" : "No autoriza publicar" },
                    observations: document.observations, reviewedAt: document.reviewedAt.map { SpanishDates.dateTime($0, timeZone: timeZone) },
                    reviewer: reviewer))
        }
        return try ctx.page(
            "consentimiento/archivo", title: "Archivo de consentimientos expresos",
            ArchiveView(hasDocuments: !rows.isEmpty, documents: rows)
        )
        .response(from: request, context: ctx)
    }

    func staffDocument(_ request: Request, _ ctx: WebRequestContext) async throws -> (Account, StoredConsentDocument) {
        let user = try ctx.requireUser(Authorization.reviewingConsentForms, request: request)
        guard let id = UUID(uuidString: try ctx.parameters.require("document")), let document = try await documents(ctx).document(id: id),
            let candidacy = try await CandidacyRepository(client: context.database.client, logger: ctx.logger).candidacy(id: document.candidacyID),
            candidacy.processID == context.process.id
        else { throw WebError.notFound }
        return (user, document)
    }

    @Sendable func download(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, document) = try await staffDocument(request, ctx)
        guard let bytes = try await documents(ctx).contents(of: document) else { throw WebError.notFound }
        try await AuditLog(client: context.database.client, logger: ctx.logger).append(
            .candidacy(
                document.candidacyID, "consent_document.open", by: AuditActor(role: user.role, id: user.id.uuidString),
                changes: ["documento": document.id.uuidString]))
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "attachment; filename=\"consentimiento-\(document.candidacyID).pdf\""
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    struct ReviewForm: Decodable {
        var publicar: String?
        var observaciones: String?
    }

    @Sendable func receive(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, document) = try await staffDocument(request, ctx)
        let form = try await Forms.decode(ReviewForm.self, from: request)
        guard let choice = form.publicar, ["si", "no"].contains(choice) else {
            return try ctx.message(
                title: "Falta la decisión", "Indique si la persona autoriza o no publicar su información.",
                status: .unprocessableContent, link: LinkView(href: "/instancia/consentimientos", label: "Volver")
            )
            .response(from: request, context: ctx)
        }
        do {
            // The decision changes what the public profile may show: its refresh commits with it.
            let jobs = context.jobs, processID = context.process.id, logger = ctx.logger, candidacyID = document.candidacyID
            try await documents(ctx).receive(id: document.id, publishIdentity: choice == "si", by: AuditActor(role: user.role, id: user.id.uuidString)) {
                connection in
                try await PublicationProfileRefreshJob.enqueue(
                    processID: processID, candidacyID: candidacyID, reason: "consentimiento_expreso", jobs: jobs, on: connection, logger: logger)
            }
        } catch let error as StorageError where error.code == .conflict {
            return try ctx.message(
                title: "Ya revisado", error.message, status: error.status,
                link: LinkView(href: "/instancia/consentimientos", label: "Volver")
            ).response(from: request, context: ctx)
        }
        return .redirect(to: "/instancia/consentimientos?hecho=recibido", type: .normal)
    }

    @Sendable func refuse(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, document) = try await staffDocument(request, ctx)
        let form = try await Forms.decode(ReviewForm.self, from: request)
        do {
            try await documents(ctx).refuse(id: document.id, observations: form.observaciones ?? "", by: AuditActor(role: user.role, id: user.id.uuidString))
        } catch let error as ConsentDocumentError {
            return try ctx.message(
                title: "Faltan observaciones", error.description, status: .unprocessableContent,
                link: LinkView(href: "/instancia/consentimientos", label: "Volver")
            ).response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict {
            return try ctx.message(
                title: "Ya revisado", error.message, status: error.status,
                link: LinkView(href: "/instancia/consentimientos", label: "Volver")
            ).response(from: request, context: ctx)
        }
        return .redirect(to: "/instancia/consentimientos?hecho=rechazado", type: .normal)
    }
}
