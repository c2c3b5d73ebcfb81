import Hummingbird
import Logging

/// Builds the HTTP application: router, middleware and controllers.
public enum WebApplication {
    /// The router with every route of the site.
    public static func buildRouter(context: WebContext) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: SecurityHeadersMiddleware())
        SiteController(context: context).addRoutes(to: router)
        MetricsController(context: context).addRoutes(to: router)
        EventsController(context: context).addRoutes(to: router)
        ActivationController(context: context).addRoutes(to: router)
        return router
    }

    /// The application listening on `host:port`.
    public static func build(context: WebContext, host: String, port: Int, logger: Logger) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: buildRouter(context: context),
            configuration: .init(address: .hostname(host, port: port), serverName: "Conoceles"),
            logger: logger)
    }
}
