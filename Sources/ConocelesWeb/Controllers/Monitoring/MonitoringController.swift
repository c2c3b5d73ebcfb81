import Hummingbird

/// Monitoring pages of the staff area: the compliance dashboard (transparency and gender
/// equality staff) and the jobs dashboard (IT staff).
struct MonitoringController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        ComplianceController(context: context).addRoutes(to: router)
        JobsDashboardController(context: context).addRoutes(to: router)
    }
}
