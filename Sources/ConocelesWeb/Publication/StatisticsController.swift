import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// The public statistics page (`/estadisticas`): each chart drawn on the server as SVG
/// (`BarChart`) and followed by the table behind it, all from the current snapshot.
struct StatisticsController {
    let context: WebContext

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.statistics.route, use: page)
    }

    @Sendable func page(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let statistics = try await PortalStatistics.load(
            PublicationRepository(client: context.publicReads, logger: ctx.logger), context: context)
        return try ctx.page("publico/estadisticas", title: "Estadísticas", StatisticsPageView(statistics, timeZone: context.process.timeZone)).response(
            from: request, context: ctx)
    }
}
