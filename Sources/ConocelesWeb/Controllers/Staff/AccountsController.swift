import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import JobArguments
import JobQueue
import Storage

/// `/instancia/cuentas`: the seed's "creación de acceso y notificación masiva". Every
/// approved candidacy's account and every party's generic account — issued, sent, activated,
/// with dates — late ones against the credentials deadline highlighted; re-send one or all
/// pending, issue the missing ones. Those are queued as jobs and the page shows their
/// progress. Transparency and IT staff.
struct AccountsController {
    let context: WebContext

    /// Lines per page.
    static let pageSize = 100

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/cuentas", use: show)
        router.post("/instancia/cuentas/reenviar-pendientes", use: resendPending)
        router.post("/instancia/cuentas/emitir", use: issueMissing)
        router.post("/instancia/cuentas/:accountID/reenviar", use: resend)
        router.post("/instancia/cuentas/:accountID/correo", use: correctEmail)
    }

    struct AccountsView {
        let csrf: String
        let filters: [FilterLinkView]
        let totals: [CountView]
        let late: Int
        let deadlineDays: Int
        let progress: [ProgressView]
        let rows: [AccountRowView]
        let hasRows: Bool
        let pager: PagerView
        let error: String?
        /// The open problem of the SMTP server, if any.
        let mailAlert: MailAlertView?
    }

    struct FilterLinkView {
        let href: String
        let label: String
        let current: Bool
    }

    /// How the jobs of one kind stand (queued, running, done, failed).
    struct ProgressView {
        let label: String
        let queued: Int
        let running: Int
        let done: Int
        let failed: Int
    }

    struct AccountRowView {
        let holder: String
        let candidacyID: String?
        let username: String
        let role: String
        let entity: String
        let issuedAt: String
        let sentAt: String
        let activatedAt: String
        let late: Bool
        let resendHref: String?
        /// The mail server's reply when it refused the account's address.
        let mailFailure: String?
        /// The form that corrects the address and re-sends (rows whose mail failed).
        let correctHref: String?
    }

    static let filterLabels: [(AccountOverviewFilter, String)] = [
        (.all, "Todas"), (.pending, "Pendientes de activar"), (.late, "Fuera de plazo"), (.activated, "Activadas"),
    ]

    /// Confirmations after an action (fixed texts chosen by key).
    static let notices: [String: String] = [
        "reenvio": "Se programó el reenvío de las credenciales; el avance aparece abajo.",
        "pendientes": "Se programó el reenvío de las credenciales pendientes; el avance aparece abajo.",
        "emision": "Se programó la emisión de las cuentas faltantes; el avance aparece abajo.",
        "nada": "No había cuentas a las que aplicar la acción.",
        "correo": "Se corrigió el correo electrónico y se programó el reenvío de las credenciales a la nueva dirección.",
        "correo-activada":
            "Se corrigió el correo electrónico; la cuenta ya estaba activada, así que no hay credenciales que reenviar: los siguientes avisos irán a la nueva dirección.",
    ]

    @Sendable func show(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.managingAccounts, request: request)
        let query = request.uri.queryParameters
        let filter = query.get("filtro").flatMap(AccountOverviewFilter.init(rawValue:)) ?? .all
        let page = max(1, min(100_000, query.get("pagina").flatMap { Int($0) } ?? 1))
        let notice = query.get("hecho").flatMap { Self.notices[$0] }
        return try await accountsPage(ctx, filter: filter, page: page, notice: notice).response(from: request, context: ctx)
    }

    func accountsPage(
        _ ctx: WebRequestContext, filter: AccountOverviewFilter, page: Int, notice: String? = nil,
        error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> WebPage {
        let process = context.process
        let client = context.database.client
        let days = process.deadlines.accountsSentDays
        let late = try await AccountDeadlines(client: client, logger: ctx.logger)
            .late(processID: process.id, timeZone: process.timeZone, days: days)
        let lateIDs = Set(late.map(\.candidacyID))
        let accounts = AccountRepository(client: client, logger: ctx.logger)
        let (rows, matching) = try await accounts.overview(
            processID: process.id, filter: filter, lateCandidacyIDs: Array(lateIDs),
            limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
        let totals = try await accounts.overviewTotals(processID: process.id)
        let format = StaffFormat(timeZoneIdentifier: process.timeZone)
        let view = AccountsView(
            csrf: ctx.csrf,
            filters: Self.filterLabels.map { item in
                FilterLinkView(href: "/instancia/cuentas?filtro=\(item.0.rawValue)", label: item.1, current: item.0 == filter)
            },
            totals: [
                CountView(label: "Cuentas esperadas (candidaturas aprobadas y cuentas genéricas)", count: totals.lines),
                CountView(label: "Emitidas", count: totals.issued),
                CountView(label: "Credenciales enviadas", count: totals.sent),
                CountView(label: "Activadas", count: totals.activated),
            ],
            late: late.count, deadlineDays: days,
            progress: try await progress(),
            rows: rows.map { row in
                let isLate = row.candidacyID.map(lateIDs.contains) ?? false
                return AccountRowView(
                    holder: row.holderName, candidacyID: row.candidacyID, username: row.username ?? "Sin cuenta",
                    role: row.role == .representative ? "Genérica" : "Candidatura", entity: row.entityCode,
                    issuedAt: format.dateTime(row.issuedAt), sentAt: format.dateTime(row.credentialsSentAt),
                    activatedAt: format.dateTime(row.activatedAt), late: isLate,
                    resendHref: row.accountID != nil && row.activatedAt == nil
                        ? "/instancia/cuentas/\(row.accountID!.uuidString.lowercased())/reenviar" : nil,
                    mailFailure: row.mailFailure,
                    correctHref: row.accountID != nil && row.mailFailure != nil
                        ? "/instancia/cuentas/\(row.accountID!.uuidString.lowercased())/correo" : nil)
            },
            hasRows: !rows.isEmpty,
            pager: PagerView(page: page, size: Self.pageSize, total: matching) { number in
                "/instancia/cuentas?filtro=\(filter.rawValue)&pagina=\(number)"
            },
            error: error,
            mailAlert: try await MailAlertView.current(context, ctx))
        return ctx.page("instancia/cuentas", title: "Cuentas de acceso", view, status: status, notice: notice)
    }

    /// The queue's counts for the kinds this page starts.
    func progress() async throws -> [ProgressView] {
        let stats = try await context.jobs.stats()
        return [(AccountIssueJob.kind, "Emisión de cuentas"), (CredentialsMailJob.kind, "Correos de credenciales")].map { kind, label in
            func count(_ states: [JobState]) -> Int {
                stats.filter { $0.kind == kind && states.contains($0.state) }.reduce(0) { $0 + $1.count }
            }
            return ProgressView(
                label: label, queued: count([.available, .scheduled, .retryable]), running: count([.running]),
                done: count([.completed]), failed: count([.discarded, .cancelled]))
        }
    }

    func resender(_ ctx: WebRequestContext) -> CredentialsResend {
        CredentialsResend(jobs: context.jobs, logger: ctx.logger)
    }

    static func actor(_ user: Account) -> AuditActor {
        AuditActor(role: user.role, id: user.id.uuidString)
    }

    static func redirect(_ done: String) -> Response {
        Response(status: .seeOther, headers: [.location: "/instancia/cuentas?hecho=\(done)"])
    }

    @Sendable func resend(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.managingAccounts, request: request)
        guard let accountID = UUID(uuidString: try ctx.parameters.require("accountID")) else { throw WebError.notFound }
        do {
            try await resender(ctx).resend(accountID: accountID, processID: context.process.id, by: Self.actor(user))
        } catch let refusal as CredentialsResend.Refusal {
            return try await accountsPage(ctx, filter: .all, page: 1, error: refusal.message, status: .conflict)
                .response(from: request, context: ctx)
        }
        ctx.logger.info("credentials re-send requested", metadata: ["account_id": "\(accountID)"])
        return Self.redirect("reenvio")
    }

    @Sendable func resendPending(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.managingAccounts, request: request)
        let count = try await resender(ctx).resendPending(processID: context.process.id, by: Self.actor(user))
        return Self.redirect(count == 0 ? "nada" : "pendientes")
    }

    @Sendable func issueMissing(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.managingAccounts, request: request)
        let pipelines = PipelineEngine(definitions: context.pipelineDefinitions, jobs: context.jobs, logger: ctx.logger)
        let count: Int
        do {
            count = try await resender(ctx).issueMissing(processID: context.process.id, pipelines: pipelines)
        } catch let refusal as CredentialsResend.Refusal {
            ctx.logger.error("accounts issue impossible", metadata: ["error": "\(refusal.message)"])
            return try await accountsPage(ctx, filter: .all, page: 1, error: refusal.message, status: .internalServerError)
                .response(from: request, context: ctx)
        }
        return Self.redirect(count == 0 ? "nada" : "emision")
    }

    struct EmailCorrectionForm: Decodable {
        let correo: String?
    }

    /// Staff correct the address of an account whose mail failed (a 550 or a bounce) and, if
    /// it is not activated yet, re-send its credentials to the new address; audited.
    @Sendable func correctEmail(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.managingAccounts, request: request)
        guard let accountID = UUID(uuidString: try ctx.parameters.require("accountID")) else { throw WebError.notFound }
        let form = try await Forms.decode(EmailCorrectionForm.self, from: request)
        let email = (form.correo ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard EmailAddress.isValid(email) else {
            return try await accountsPage(ctx, filter: .all, page: 1, error: EmailAddress.invalidMessage, status: .unprocessableContent)
                .response(from: request, context: ctx)
        }
        let accounts = AccountRepository(client: context.database.client, logger: ctx.logger)
        guard let account = try await accounts.account(id: accountID), account.processID == context.process.id,
            account.disabledAt == nil
        else { throw WebError.notFound }
        try await accounts.correctEmail(accountID: accountID, processID: context.process.id, to: email, by: Self.actor(user))
        ctx.logger.info("account e-mail corrected", metadata: ["account_id": "\(accountID)"])
        guard account.activatedAt == nil else { return Self.redirect("correo-activada") }
        do {
            try await resender(ctx).resend(accountID: accountID, processID: context.process.id, by: Self.actor(user))
        } catch let refusal as CredentialsResend.Refusal {
            return try await accountsPage(ctx, filter: .all, page: 1, error: refusal.message, status: .conflict)
                .response(from: request, context: ctx)
        }
        return Self.redirect("correo")
    }
}
