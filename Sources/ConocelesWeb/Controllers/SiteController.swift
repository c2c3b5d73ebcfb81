import Foundation
import Hummingbird
import Logging
import Storage

/// The health checks (the public home page is `PortalController.home`): `/health` (liveness:
/// the database answers) and `/health/ready` (readiness: database, blob store, queue lag).
struct SiteController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get(PublicPages.health.route, use: health)
        router.get(PublicPages.readiness.route, use: ready)
    }

    /// Seconds the oldest due job may wait before `/health/ready` answers 503 (the workers
    /// are down, stuck or far behind).
    static let queueLagLimitSeconds = 600.0

    /// 200 when the database answers, the blob store's folder is there and writable, and no
    /// due job has waited more than `queueLagLimitSeconds`; else 503. One line per check,
    /// `nombre: ok|falla (motivo)`, in Spanish.
    @Sendable func ready(_ request: Request, _ ctx: WebRequestContext) async -> Response {
        var lines: [String] = []
        var healthy = true
        do {
            let lag = try await withThrowingTaskGroup(of: Double?.self) { group in
                group.addTask {
                    // Due, available jobs only: scheduled ones are not late.
                    try await context.jobs.oldestDueWaitSeconds()
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(3))
                    throw CancellationError()
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            lines.append("base de datos: ok")
            let seconds = lag ?? 0
            if seconds > Self.queueLagLimitSeconds {
                healthy = false
                lines.append("cola: falla (el trabajo pendiente más antiguo espera desde hace \(Int(seconds)) s; límite \(Int(Self.queueLagLimitSeconds)) s)")
            } else {
                lines.append("cola: ok (espera máxima \(Int(seconds)) s)")
            }
        } catch {
            healthy = false
            ctx.logger.warning("readiness check: database failed", metadata: ["error": "\(String(reflecting: error))"])
            lines.append("base de datos: falla (no responde)")
        }
        let root = context.blobs.root
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue,
            access(root, W_OK | X_OK) == 0
        {
            lines.append("archivos: ok")
        } else {
            healthy = false
            lines.append("archivos: falla (la carpeta paths.blobs no existe o no se puede escribir)")
        }
        return Response(
            status: healthy ? .ok : .serviceUnavailable, headers: Self.plainText,
            body: .init(byteBuffer: .init(string: lines.joined(separator: "\n") + "\n")))
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
            return Response(
                status: .serviceUnavailable, headers: Self.plainText,
                body: .init(byteBuffer: .init(string: "base de datos no disponible\n")))
        }
    }

    /// The health check's content type, as docs/openapi.yaml documents it.
    static let plainText: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
}
