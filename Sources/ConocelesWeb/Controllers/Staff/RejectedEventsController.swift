import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// `/instancia/eventos-rechazados`: the registration events the ingest worker rejected (an
/// office, party or municipality the process does not have, a second substitution), with
/// the reason, so that staff can ask the registration system for a corrected event (a new
/// event id). The same list as `conoceles import rejected`.
struct RejectedEventsController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/eventos-rechazados", use: list)
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
    }

    @Sendable func list(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.registrationEvents, request: request)
        let rejected = try await RegistrationEventRepository(client: context.database.client, logger: ctx.logger)
            .rejected(processID: context.process.id)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let events = rejected.map { event in
            EventView(id: event.id, candidacy: event.candidacyID, source: event.source == .api ? "API" : "CSV",
                      receivedAt: format.dateTime(event.receivedAt), reason: event.statusReason ?? "")
        }
        return try ctx.page("instancia/eventos-rechazados", title: "Eventos de registro rechazados",
                            ListView(events: events, hasEvents: !events.isEmpty))
            .response(from: request, context: ctx)
    }
}
