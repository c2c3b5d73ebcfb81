import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import Imaging
import NIOCore
import Storage

/// `/candidaturas/{id}/foto`: the profile photo. The upload is bounded before it is read
/// whole, screened (size, format) at once, stored, and checked by a `photo.check` job; the
/// page shows the result: under review, accepted with its preview, or refused with the reason.
struct PhotoController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/candidaturas/{id}/foto", use: show)
        router.post("/candidaturas/{id}/foto", use: upload)
        router.get("/candidaturas/{id}/foto/vista", use: preview)
    }

    struct PhotoView {
        let csrf: String
        let candidacyID: String
        let name: String
        let maximumKB: Int
        let maximumAgeMonths: Int
        let hasPhoto: Bool
        let underReview: Bool
        let accepted: Bool
        let rejected: Bool
        let reason: String?
        let dimensions: String?
        let takenOn: String?
        let takenOnSource: String?
        let uploadedAt: String?
        let error: String?
        let dateError: String?
        let declaredDate: String
        let canUpload: Bool
    }

    @Sendable func show(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await authorized(request, ctx)
        if let gate = try await context.noticeGate(candidacy, logger: ctx.logger) { return gate }
        return try await page(candidacy, ctx, request)
    }

    @Sendable func upload(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, candidacy) = try await authorized(request, ctx)
        // Nothing is read or stored before the privacy notice is accepted.
        if let gate = try await context.noticeGate(candidacy, logger: ctx.logger) { return gate }
        let policy = context.photoPolicy
        guard try await mayChangePhoto(candidacy, ctx) else {
            return try await page(candidacy, ctx, request, error: "El perfil no admite cambios en su estado actual.", status: .conflict)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: policy.maxBytes + 64 * 1_024)
        } catch {
            return try await page(
                candidacy, ctx, request,
                error: "El archivo supera el máximo permitido de \(policy.maxBytes / 1_024) KB. "
                    + "Reduzca el tamaño de la foto (por ejemplo, a 1200 × 1600 píxeles) y envíela de nuevo.", status: .contentTooLarge)
        }
        let parts: [MultipartForm.Part]
        do {
            parts = try MultipartForm.parse(body: body, contentType: request.headers[.contentType] ?? "")
        } catch {
            return try await page(candidacy, ctx, request, error: error.message, status: .badRequest)
        }
        let declaredText = parts.first { $0.name == "fecha_toma" }?.text.trimmingCharacters(in: .whitespaces) ?? ""
        var declared: LocalDate?
        if !declaredText.isEmpty {
            guard let date = LocalDate(declaredText), date <= SpanishDates.today(timeZone: context.process.timeZone) else {
                return try await page(
                    candidacy, ctx, request, dateError: "Escriba una fecha válida (año-mes-día) que no sea futura.",
                    declared: declaredText, status: .unprocessableContent)
            }
            declared = date
        }
        guard let file = parts.first(where: { $0.name == "foto" && $0.filename != nil }) else {
            return try await page(candidacy, ctx, request, error: "Elija el archivo de la foto.", declared: declaredText, status: .unprocessableContent)
        }
        let intake = PhotoIntake(client: context.database.client, blobs: context.blobs, policy: policy, jobs: context.jobs, logger: ctx.logger)
        do {
            _ = try await intake.receive(
                bytes: file.bytes, candidacyID: candidacy.id, declaredTakenOn: declared,
                by: AuditActor(role: user.role, id: user.id.uuidString))
        } catch let refusal as PhotoRefusal {
            return try await page(candidacy, ctx, request, error: refusal.message, declared: declaredText, status: .unprocessableContent)
        }
        // A new photo changes the profile: an authorized one goes back for a new authorization
        // (and so for staff's review) before anything is published.
        _ = try await context.syncWorkflow(of: candidacy, by: user, changed: true, logger: ctx.logger)
        ctx.logger.info("photo received", metadata: ["candidacy_id": "\(candidacy.id)"])
        return .redirect(to: "/candidaturas/\(candidacy.id)/foto", type: .normal)
    }

    /// The accepted photo's thumbnail, for the person who captures the profile (the public
    /// portal serves published photos its own way).
    @Sendable func preview(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, candidacy) = try await authorized(request, ctx)
        guard let photo = try await PhotoRepository(client: context.database.client, logger: ctx.logger).currentPhoto(candidacyID: candidacy.id),
            photo.status == .accepted
        else { throw WebError.notFound }
        return try await context.privateThumbnail(of: photo)
    }

    func authorized(_ request: Request, _ ctx: WebRequestContext) async throws -> (Account, Candidacy) {
        let user = try ctx.requireUser(Authorization.capturing, request: request)
        let id = try ctx.parameters.require("id")
        return (user, try await context.capturableCandidacy(id, by: user, request: request, logger: ctx.logger))
    }

    /// Whether the profile's state still lets the photo change (it is part of the capture).
    func mayChangePhoto(_ candidacy: Candidacy, _ ctx: WebRequestContext) async throws -> Bool {
        guard candidacy.status == .approved else { return false }
        let workflow = try await ProfileWorkflowRepository(client: context.database.client, logger: ctx.logger).workflow(for: candidacy.id)
        return workflow.state.isEditable
    }

    func page(
        _ candidacy: Candidacy, _ ctx: WebRequestContext, _ request: Request, error: String? = nil, dateError: String? = nil,
        declared: String = "", status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let photos = PhotoRepository(client: context.database.client, logger: ctx.logger)
        let photo = try await photos.currentPhoto(candidacyID: candidacy.id)
        // With no current photo, the last refused one explains why.
        let refusal = photo == nil ? try await photos.latestRejectionReason(candidacyID: candidacy.id) : nil
        let view = PhotoView(
            csrf: ctx.csrf, candidacyID: candidacy.id, name: candidacy.fullName, maximumKB: context.photoPolicy.maxBytes / 1_024,
            maximumAgeMonths: context.process.rules.photoMaximumAgeMonths,
            hasPhoto: photo != nil, underReview: photo?.status == .received, accepted: photo?.status == .accepted,
            rejected: refusal != nil, reason: refusal,
            dimensions: photo.flatMap { p in p.width.flatMap { w in p.height.map { "\(w) × \($0) píxeles" } } },
            takenOn: photo?.takenOn?.spanishDescription,
            takenOnSource: photo?.takenOnSource.map { $0 == .exif ? "registrada por la cámara" : "declarada por la persona" },
            uploadedAt: photo.map { SpanishDates.dateTime($0.uploadedAt, timeZone: context.process.timeZone) },
            error: error, dateError: dateError, declaredDate: declared, canUpload: try await mayChangePhoto(candidacy, ctx))
        return try ctx.page("foto/foto", title: "Foto del perfil", view, status: status).response(from: request, context: ctx)
    }
}

extension WebContext {
    /// A photo's thumbnail (or, without one, its published variant) for a signed-in person's
    /// page: never stored by a shared cache. 404 when the file is missing.
    func privateThumbnail(of photo: StoredPhoto) async throws -> Response {
        guard let variant = photo.variant(.thumbnail) ?? photo.variant(.published),
            let address = BlobAddress(sha256: variant.sha256), let bytes = try await blobs.get(address)
        else { throw WebError.notFound }
        var headers = HTTPFields()
        headers[.contentType] = variant.contentType
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
