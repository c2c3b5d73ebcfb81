import ConocelesConfig
import Crypto
import Foundation
import Hummingbird
import JobQueue
import Logging
import NIOCore
import Storage

/// `GET /metrics`: Prometheus text — this process's metrics plus queue figures from the database.
///
/// Only for a configured reader: `Authorization: Bearer <metrics.token>`, or a client (as
/// resolved through trusted proxies) in `metrics.allowed_addresses` (loopback by default)
/// whose request did not come through a proxy nobody configured. The check is in the handler,
/// so every spelling the router sends here (`/metrics/`, `//metrics`, `/metrics?x`, HEAD) is
/// covered; everyone else gets the site's 404, as if nothing were there.
///
/// The database figures are rendered at most once per `MetricsCache.maximumAge` whatever the
/// scrape rate, so the endpoint is no load amplifier. The figures of job kinds that would
/// tell what a visitor did (`mail.password_reset`: whether `/recuperar` named a real account)
/// are left out.
struct MetricsController {
    let context: WebContext

    /// Job kinds whose figures are never published (each is enqueued only for a real account).
    static let privateKinds = ["mail.password_reset"]

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        guard Self.mayRead(request, ctx, access: context.metricsAccess) else {
            ctx.logger.notice("metrics refused", metadata: ["client_address": "\(ctx.clientAddress)"])
            throw WebError.notFound
        }
        let database = try await context.metricsCache.text { [context] in
            try await Self.databaseFigures(context, logger: ctx.logger)
        }
        let text = Self.withoutPrivateKinds(context.metrics.emitToString() + database + Self.pageCacheFigures(context.pageCache))
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Whether the request may read the metrics under `access`.
    static func mayRead(_ request: Request, _ ctx: WebRequestContext, access: AppConfiguration.MetricsSettings) -> Bool {
        if let token = access.token, let given = bearerToken(request.headers[.authorization]) {
            // Compared as digests: the time taken says nothing of how much of the token matched.
            return SHA256.hash(data: Data(given.utf8)) == SHA256.hash(data: Data(token.utf8))
        }
        return !ctx.forwardedByUntrustedPeer && access.allowedAddresses.containsAddress(ctx.clientAddress)
    }

    /// The token of an `Authorization: Bearer …` header, if that is what it holds.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// The figures read from the database: jobs by queue, kind and state, queue depth and
    /// lag, late accounts.
    static func databaseFigures(_ context: WebContext, logger: Logger) async throws -> String {
        var text = try await JobClient(client: context.database.client, logger: logger).prometheusGauges()
        let process = context.process
        let late = try await AccountDeadlines(client: context.database.client, logger: logger)
            .late(processID: process.id, timeZone: process.timeZone, days: process.deadlines.accountsSentDays)
        text += """
            # HELP conoceles_accounts_late Approved candidacies whose credentials were sent after the deadline or are unsent past it.
            # TYPE conoceles_accounts_late gauge
            conoceles_accounts_late \(late.count)

            """
        let mail = try await MailServerStatusRepository(client: context.database.client, logger: logger).current()
        let since = mail.problemSince.map { max(0, Int(Date().timeIntervalSince($0))) } ?? 0
        text += """
            # HELP conoceles_mail_server_problem 1 while the SMTP server or its configuration refuses every message (authentication, TLS, relay, connection).
            # TYPE conoceles_mail_server_problem gauge
            conoceles_mail_server_problem{code="\(mail.code ?? "")"} \(mail.hasProblem ? 1 : 0)
            # HELP conoceles_mail_server_problem_seconds How long mail has not been going out.
            # TYPE conoceles_mail_server_problem_seconds gauge
            conoceles_mail_server_problem_seconds \(since)

            """
        return text
    }

    /// This server's page cache (in memory, per process): hits are answered without a log
    /// line at info level, so they are counted here.
    static func pageCacheFigures(_ cache: PageCache?) -> String {
        guard let cache else { return "" }
        let figures = cache.statistics
        return """
            # HELP conoceles_page_cache_hits_total Public pages answered from this server's page cache.
            # TYPE conoceles_page_cache_hits_total counter
            conoceles_page_cache_hits_total \(figures.hits)
            # HELP conoceles_page_cache_misses_total Public page requests the page cache did not hold.
            # TYPE conoceles_page_cache_misses_total counter
            conoceles_page_cache_misses_total \(figures.misses)
            # HELP conoceles_page_cache_pages Pages kept in this server's page cache.
            # TYPE conoceles_page_cache_pages gauge
            conoceles_page_cache_pages \(figures.pages)
            # HELP conoceles_page_cache_bytes Bytes of the pages kept.
            # TYPE conoceles_page_cache_bytes gauge
            conoceles_page_cache_bytes \(figures.bytes)

            """
    }

    /// `text` without the samples labelled with a private job kind.
    static func withoutPrivateKinds(_ text: String) -> String {
        let labels = privateKinds.map { "kind=\"\($0)\"" }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !labels.contains { line.contains($0) } }
            .joined(separator: "\n")
    }
}
