import Hummingbird

/// The public side of the site (no sign-in): portal, open data and the public API.
struct PublicationRoutes {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        PortalController(context: context).addRoutes(to: router)
        OpenDataController(context: context).addRoutes(to: router)
        PublicApiController(context: context).addRoutes(to: router)
    }
}
