import ConocelesCore
import Logging
import Storage
import Hummingbird

/// The staff area of the transparency office (`/instancia/…`): verification queue and
/// review, modification requests, and the accounts page (also for IT staff).
struct StaffController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        VerificationController(context: context).addRoutes(to: router)
        ModificationsController(context: context).addRoutes(to: router)
        AccountsController(context: context).addRoutes(to: router)
        ReportsController(context: context).addRoutes(to: router)
        RejectedEventsController(context: context).addRoutes(to: router)
        PublicationStaffController(context: context).addRoutes(to: router)
    }
}

extension WebContext {
    /// The candidacy `id` of this site's process, for staff who may review it.
    /// - Throws: `WebError.forbidden` when `account` may not review; `.notFound` when the
    ///   candidacy does not exist in this process.
    func reviewableCandidacy(_ id: String, by account: Account, logger: Logger) async throws -> Candidacy {
        guard id.utf8.count <= 64,
            let candidacy = try await CandidacyRepository(client: database.client, logger: logger).candidacy(id: id),
            candidacy.processID == process.id
        else { throw WebError.notFound }
        guard Authorization.mayReview(account, candidacy) else { throw WebError.forbidden }
        return candidacy
    }

    /// Spanish name of `candidacy`'s office (its code when the process does not know it).
    func officeName(_ candidacy: Candidacy) -> String {
        process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode
    }

    /// Spanish name of `entity` (its code when the process does not know it).
    func entityName(_ entity: PostulatingEntity) -> String {
        entity.displayName(in: process) ?? entity.code
    }
}
