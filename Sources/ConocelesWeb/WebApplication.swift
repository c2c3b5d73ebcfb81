import Hummingbird
import Logging
import Storage

/// Builds the HTTP application: router, middleware and controllers.
public enum WebApplication {
    /// The router with every route of the site.
    public static func buildRouter(context: WebContext) -> Router<WebRequestContext> {
        // HEAD of every GET route (RFC 9110 §9.3.2: link checkers, monitors and caches ask it).
        let router = Router(context: WebRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: context.trustedProxies))
        router.add(middleware: RequestLogMiddleware(.info))
        router.add(middleware: HTTPMetricsMiddleware(registry: context.metrics))
        router.add(middleware: CompressionMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: context.secureCookies))
        router.add(middleware: ErrorPageMiddleware())
        router.add(middleware: NULRefusalMiddleware())
        router.add(
            middleware: FileMiddleware(
                Templates.staticFolder, urlBasePath: "/estatico",
                cacheControl: .init([
                    (.init(type: .text, subType: "css"), [.maxAge(3_600)]), (.textJavascript, [.maxAge(3_600)]),
                ]), searchForIndexHtml: false, logger: context.database.logger))
        router.add(middleware: CSRFMiddleware(secureCookies: context.secureCookies, process: context.process))
        router.add(middleware: SessionMiddleware(sessions: context.sessions(logger: context.database.logger), secureCookies: context.secureCookies))
        if let cache = context.pageCache { router.add(middleware: PageCacheMiddleware(context: context, cache: cache)) }
        SiteController(context: context).addRoutes(to: router)
        SessionController(context: context).addRoutes(to: router)
        PhotoController(context: context).addRoutes(to: router)
        ConsentDocumentController(context: context).addRoutes(to: router)
        MetricsController(context: context).addRoutes(to: router)
        EventsController(context: context).addRoutes(to: router)
        ActivationController(context: context).addRoutes(to: router)
        StaffController(context: context).addRoutes(to: router)
        MonitoringController(context: context).addRoutes(to: router)
        RepresentativeController(context: context).addRoutes(to: router)
        CaptureController(context: context).addRoutes(to: router)
        HelpController(context: context).addRoutes(to: router)
        PublicationRoutes(context: context).addRoutes(to: router)
        return router
    }

    /// The monitoring endpoints alone — `/health`, `/health/ready`, `/metrics` (with its
    /// access control) — for `conoceles work`'s own port (`worker.metrics_port`).
    public static func buildMonitoringRouter(context: WebContext) -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: context.trustedProxies))
        router.add(middleware: RequestLogMiddleware(.debug))
        router.add(middleware: HTTPMetricsMiddleware(registry: context.metrics))
        router.add(middleware: ErrorPageMiddleware())
        SiteController(context: context).addRoutes(to: router)
        MetricsController(context: context).addRoutes(to: router)
        return router
    }

    /// `buildMonitoringRouter`'s application listening on `host:port`.
    public static func buildMonitoring(context: WebContext, host: String, port: Int, logger: Logger)
        -> Application<RequestDeadlineResponder<RouterResponder<WebRequestContext>>>
    {
        Application(
            responder: buildResponder(context: context, router: buildMonitoringRouter(context: context)),
            configuration: .init(address: .hostname(host, port: port), serverName: "Conoceles"),
            logger: logger)
    }

    /// The router's responder inside the per-request deadline (`context.requestTimeout`).
    public static func buildResponder(
        context: WebContext, router: Router<WebRequestContext>? = nil
    ) -> RequestDeadlineResponder<RouterResponder<WebRequestContext>> {
        RequestDeadlineResponder(
            (router ?? buildRouter(context: context)).buildResponder(), limit: context.requestTimeout,
            strictTransportSecurity: context.secureCookies)
    }

    /// The responder of the server: cache hits of the public pages answered in front of
    /// everything (`PageCacheResponder`), the rest by the router inside the request deadline.
    public static func buildServerResponder(context: WebContext, router: Router<WebRequestContext>? = nil)
        -> PageCacheResponder<RequestDeadlineResponder<RouterResponder<WebRequestContext>>>
    {
        // The version of what the public pages read: the replica's when there is one (the
        // primary's would key the replica's older pages under the newer version, for good).
        let client = context.publicReads, logger = context.database.logger, processID = context.process.id
        return PageCacheResponder(buildResponder(context: context, router: router), cache: context.pageCache) {
            try await PublicationRepository(client: client, logger: logger).current(processID: processID)?.version ?? 0
        }
    }

    /// The application listening on `host:port`.
    public static func build(context: WebContext, host: String, port: Int, logger: Logger)
        -> Application<PageCacheResponder<RequestDeadlineResponder<RouterResponder<WebRequestContext>>>>
    {
        Application(
            responder: buildServerResponder(context: context),
            configuration: .init(address: .hostname(host, port: port), serverName: "Conoceles"),
            logger: logger)
    }
}
