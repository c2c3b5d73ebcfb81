import Hummingbird
import Logging
import Storage

/// The public home page and the health check.
struct SiteController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/", use: home)
        router.get("/health", use: health)
    }

    /// Says what the site is, for which process and electoral body.
    @Sendable func home(_ request: Request, _ ctx: WebRequestContext) async throws -> HTMLPage {
        let process = context.process
        return HTMLPage(
            title: "Inicio",
            body: """
                <h1>Candidatas y Candidatos, Conóceles</h1>
                <p>Conoce el perfil de las personas candidatas del \(HTMLPage.escape(process.name)):
                su formación, su trayectoria profesional y política, por qué quieren el cargo y sus
                propuestas. La información la capturan los partidos políticos, las coaliciones y las
                candidaturas independientes, y la verifica el \(HTMLPage.escape(process.electoralBody))
                antes de publicarla.</p>
                <p>Jornada electoral: \(HTMLPage.escape(process.electionDay.description)).</p>
                <ul>
                <li><a href="/candidaturas-publicas">Buscar candidaturas</a></li>
                <li><a href="/cumplimiento">Cumplimiento por partido y cargo</a></li>
                <li><a href="/datos-abiertos">Datos abiertos</a></li>
                </ul>
                """)
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
