import Hummingbird

/// The public side of the site (no sign-in): portal, statistics, comparison, "Mi boleta",
/// open data and the public API, all behind `PublicCacheMiddleware` (ETag, Last-Modified,
/// 304, CORS for the API). The photo carries its own tag (its hash), so it stays outside.
struct PublicationRoutes {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        let cached = router.group().add(middleware: PublicCacheMiddleware(context: context))
        let portal = PortalController(context: context)
        portal.addRoutes(to: cached)
        portal.addPhotoRoute(to: router)
        StatisticsController(context: context).addRoutes(to: cached)
        CompareController(context: context).addRoutes(to: cached)
        BallotController(context: context).addRoutes(to: cached)
        OpenDataController(context: context).addRoutes(to: cached)
        PublicApiController(context: context).addRoutes(to: cached)
    }
}
