import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import JobQueue
import Storage

/// `/instancia/informes`: the progress reports `reports.progress` generated, to print (HTML)
/// or download (CSV). Transparency and gender-equality staff: the reports hold aggregated
/// counts and, after the campaigns, the candidacies never published.
struct ReportsController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/informes", use: list)
        router.post("/instancia/informes/generar", use: generate)
        // One route for `{report}` (HTML) and `{report}.csv`: the suffix picks the format.
        router.get("/instancia/informes/:report", use: show)
    }

    struct ListView {
        let reports: [ReportView]
        let hasReports: Bool
        let csrf: String
        let notice: String?
    }

    struct ReportView {
        let title: String
        let kind: String
        let dueOn: String
        let generatedAt: String
        let htmlHref: String
        let csvHref: String
    }

    @Sendable func list(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reporting, request: request)
        let stored = try await ProgressReportRepository(client: context.database.client, logger: ctx.logger).list(processID: context.process.id)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let reports = stored.map { report in
            ReportView(title: report.title, kind: report.kind.label, dueOn: report.dueOn.spanishDescription,
                       generatedAt: format.dateTime(report.generatedAt), htmlHref: "/instancia/informes/\(report.id)",
                       csvHref: "/instancia/informes/\(report.id).csv")
        }
        let notice = request.uri.queryParameters["hecho"] == "solicitado"
            ? "Se está generando el informe a solicitud con las cifras de este momento; aparecerá en esta lista en unos segundos (recarga la página)."
            : nil
        return try ctx.page("instancia/informes", title: "Informes de avance",
                            ListView(reports: reports, hasReports: !reports.isEmpty, csrf: ctx.csrf, notice: notice))
            .response(from: request, context: ctx)
    }

    /// "Generar informe ahora": enqueues `reports.progress` for a report of today outside the
    /// schedule (the job's uniqueness collapses repeated clicks while one is pending).
    @Sendable func generate(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reporting, request: request)
        let job = try NewJob(kind: ProgressReportWorker.kind, args: ProgressReportWorker.Args(onDemand: true),
                             uniqueness: .live(key: "reports.progress:a_solicitud:\(context.process.id)"))
        let result = try await context.jobs.insert(job)
        try await AuditLog(client: context.database.client, logger: ctx.logger).append(AuditEntry(
            actor: AuditActor(role: user.role, id: user.id.uuidString), action: "report.request", subjectType: "job",
            subjectID: String(result.id), changes: ["kind": ScheduledReport.Kind.onDemand.rawValue]))
        return Response(status: .seeOther, headers: [.location: "/instancia/informes?hecho=solicitado"])
    }

    @Sendable func show(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.reporting, request: request)
        let parameter = try ctx.parameters.require("report")
        let isCSV = parameter.hasSuffix(".csv")
        guard let id = Int64(isCSV ? String(parameter.dropLast(4)) : parameter),
              let report = try await ProgressReportRepository(client: context.database.client, logger: ctx.logger)
                .report(id: id, processID: context.process.id)
        else { throw WebError.notFound }
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        if isCSV {
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"informe-\(report.kind.rawValue)-\(report.dueOn).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: SpreadsheetWriter.withByteOrderMark(report.csv))))
        }
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.html)))
    }
}
