import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import Storage

/// `/instancia/eventos-rechazados`: the registration events the ingest worker rejected (an
/// office, party or municipality the process does not have, a second substitution), with
/// the reason — the same list as `conoceles import rejected`. Staff correct the offending
/// fields of one (`/instancia/eventos-rechazados/:eventID`) and apply it again: the corrected
/// event is checked as the worker checks it, then queued; the correction is recorded with its
/// author and the original body, and listed on the event's page.
struct RejectedEventsController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/eventos-rechazados", use: list)
        router.get("/instancia/eventos-rechazados/:eventID", use: show)
        router.post("/instancia/eventos-rechazados/:eventID/corregir", use: correct)
    }

    struct ListView {
        let events: [EventView]
        let hasEvents: Bool
    }

    struct EventView {
        let id: String
        let candidacy: String
        let source: String
        let receivedAt: String
        let reason: String
        let href: String
    }

    /// Notices after a correction (fixed texts chosen by key).
    static let notices: [String: String] = [
        "corregido": "Se corrigió el evento y se volvió a programar su aplicación; deja esta lista en cuanto se aplique."
    ]

    static func href(_ id: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return "/instancia/eventos-rechazados/\(id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id)"
    }

    @Sendable func list(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.registrationEvents, request: request)
        let rejected = try await RegistrationEventRepository(client: context.database.client, logger: ctx.logger)
            .rejected(processID: context.process.id)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let events = rejected.map { event in
            EventView(
                id: event.id, candidacy: event.candidacyID, source: event.source == .api ? "API" : "CSV",
                receivedAt: format.dateTime(event.receivedAt), reason: event.statusReason ?? "", href: Self.href(event.id))
        }
        let notice = request.uri.queryParameters.get("hecho").flatMap { Self.notices[$0] }
        return try ctx.page(
            "instancia/eventos-rechazados", title: "Eventos de registro rechazados",
            ListView(events: events, hasEvents: !events.isEmpty), notice: notice
        )
        .response(from: request, context: ctx)
    }

    struct EventPageView {
        let csrf: String
        let id: String
        let candidacy: String
        let status: String
        let reason: String?
        let rejected: Bool
        let action: String
        let fields: [FieldView]
        let errors: [String]
        let hasErrors: Bool
        let body: String
        let corrections: [CorrectionView]
        let hasCorrections: Bool
    }

    struct FieldView {
        let key: String
        let label: String
        let value: String
    }

    struct CorrectionView {
        let at: String
        let actor: String
        let changes: String
        let previousReason: String
        let originalSHA256: String
    }

    func eventID(_ ctx: WebRequestContext) throws -> String {
        let raw = try ctx.parameters.require("eventID")
        return raw.removingPercentEncoding ?? raw
    }

    @Sendable func show(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.registrationEvents, request: request)
        return try await page(try eventID(ctx), ctx, edits: nil, errors: []).response(from: request, context: ctx)
    }

    func page(
        _ id: String, _ ctx: WebRequestContext, edits: [String: String]?, errors: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> WebPage {
        let repository = RegistrationEventRepository(client: context.database.client, logger: ctx.logger)
        guard let event = try await repository.event(id: id), event.processID == context.process.id else { throw WebError.notFound }
        let values = RejectedEventCorrection.values(of: event.body)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let corrections = try await repository.corrections(eventID: id).map { correction in
            CorrectionView(
                at: format.dateTime(correction.correctedAt), actor: "\(correction.actor.role) \(correction.actor.id)",
                changes: Self.describe(correction.changesJSON), previousReason: correction.previousReason ?? "",
                originalSHA256: correction.originalSHA256)
        }
        let view = EventPageView(
            csrf: ctx.csrf, id: event.id, candidacy: event.candidacyID, status: Self.statusLabel(event.status),
            reason: event.statusReason, rejected: event.status == .rejected, action: Self.href(event.id) + "/corregir",
            fields: RejectedEventCorrection.fields.map { FieldView(key: $0.key, label: $0.label, value: edits?[$0.key] ?? values[$0.key] ?? "") },
            errors: errors, hasErrors: !errors.isEmpty, body: event.body,
            corrections: corrections, hasCorrections: !corrections.isEmpty)
        return ctx.page("instancia/evento-rechazado", title: "Evento \(event.id)", view, status: status)
    }

    static func statusLabel(_ status: RegistrationEvent.Status) -> String {
        switch status {
        case .pending: "Pendiente de aplicar"
        case .applied: "Aplicado"
        case .held: "En espera"
        case .rejected: "Rechazado"
        }
    }

    /// `{"office": {"from": "X", "to": "Y"}}` → `office: «X» → «Y»`.
    static func describe(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: String]] else { return json }
        return object.keys.sorted().map { key in "\(key): «\(object[key]?["from"] ?? "")» → «\(object[key]?["to"] ?? "")»" }
            .joined(separator: "; ")
    }

    /// The form's fields, named by the event's wire keys (`RejectedEventCorrection.fields`).
    struct CorrectionForm: Decodable {
        let office: String?
        let district: String?
        let municipality: String?
        let listPosition: String?
        let postulatedByType: String?
        let postulatedBy: String?

        enum CodingKeys: String, CodingKey {
            case office, district, municipality
            case listPosition = "list_position"
            case postulatedByType = "postulated_by_type"
            case postulatedBy = "postulated_by"
        }
    }

    @Sendable func correct(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.registrationEvents, request: request)
        let id = try eventID(ctx)
        let form = try await Forms.decode(CorrectionForm.self, from: request)
        var edits: [String: String] = [:]
        edits["office"] = form.office
        edits["district"] = form.district
        edits["municipality"] = form.municipality
        edits["list_position"] = form.listPosition
        edits["postulated_by_type"] = form.postulatedByType
        edits["postulated_by"] = form.postulatedBy
        let correction = RejectedEventCorrection(
            client: context.database.client, process: context.process, catalogs: context.catalogs,
            jobs: context.jobs, logger: ctx.logger)
        do {
            try await correction.correct(eventID: id, edits: edits, by: AuditActor(role: user.role, id: user.id.uuidString))
        } catch let refusal as RejectedEventCorrection.Refusal {
            return try await page(id, ctx, edits: edits, errors: refusal.messages, status: .unprocessableContent)
                .response(from: request, context: ctx)
        } catch let error as StorageError where error.code == .conflict || error.code == .notFound {
            return try await page(id, ctx, edits: edits, errors: [error.message], status: .conflict).response(from: request, context: ctx)
        }
        return Response(status: .seeOther, headers: [.location: "/instancia/eventos-rechazados?hecho=corregido"])
    }
}
