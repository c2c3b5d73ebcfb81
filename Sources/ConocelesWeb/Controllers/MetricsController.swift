import Hummingbird
import JobQueue
import NIOCore
import Storage

/// `GET /metrics`: Prometheus text — this process's metrics plus queue figures from the database.
struct MetricsController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        var text = context.metrics.emitToString()
        text += try await JobClient(client: context.database.client, logger: ctx.logger).prometheusGauges()
        let process = context.process
        let late = try await AccountDeadlines(client: context.database.client, logger: ctx.logger)
            .late(processID: process.id, timeZone: process.timeZone, days: process.deadlines.accountsSentDays)
        text += """
            # HELP conoceles_accounts_late Approved candidacies whose credentials were sent after the deadline or are unsent past it.
            # TYPE conoceles_accounts_late gauge
            conoceles_accounts_late \(late.count)

            """
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
