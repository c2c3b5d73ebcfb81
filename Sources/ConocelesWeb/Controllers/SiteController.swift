import Hummingbird
import Logging
import Storage

/// The health check (the public home page is `PortalController.home`).
struct SiteController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/health", use: health)
    }

    /// 200 only when PostgreSQL answers; 503 otherwise.
    @Sendable func health(_ request: Request, _ ctx: WebRequestContext) async -> Response {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await context.database.client.query("SELECT 1") }
                group.addTask {
                    try await Task.sleep(for: .seconds(3))
                    throw CancellationError()
                }
                try await group.next()
                group.cancelAll()
            }
            return Response(status: .ok, headers: Self.plainText, body: .init(byteBuffer: .init(string: "ok\n")))
        } catch {
            ctx.logger.warning("health check failed", metadata: ["error": "\(String(reflecting: error))"])
            return Response(status: .serviceUnavailable, headers: Self.plainText,
                            body: .init(byteBuffer: .init(string: "base de datos no disponible\n")))
        }
    }

    /// The health check's content type, as docs/openapi.yaml documents it.
    static let plainText: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
}
