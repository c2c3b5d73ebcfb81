import Hummingbird
import JobQueue
import NIOCore

/// `GET /metrics`: Prometheus text — this process's metrics plus queue figures from the database.
struct MetricsController {
    let context: WebContext

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, _ ctx: BasicRequestContext) async throws -> Response {
        var text = context.metrics.emitToString()
        text += try await JobClient(client: context.database.client, logger: ctx.logger).prometheusGauges()
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
