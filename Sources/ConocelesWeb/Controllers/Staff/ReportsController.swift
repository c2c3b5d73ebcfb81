import ConocelesCore
import Foundation
import Hummingbird
import JobArguments
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
        router.get("/instancia/informe-cualitativo", use: qualitative)
        router.get("/instancia/informe-cualitativo.csv", use: qualitativeCSV)
    }

    struct ListView {
        let reports: [ReportView]
        let hasReports: Bool
        let csrf: String
        let notice: String?
        /// The gender-equality office's link to the qualitative section.
        let mayReadQualitative: Bool
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
        let user = try ctx.requireUser(Authorization.reporting, request: request)
        let stored = try await ProgressReportRepository(client: context.database.client, logger: ctx.logger).list(processID: context.process.id)
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let reports = stored.map { report in
            ReportView(
                title: report.title, kind: report.kind.label, dueOn: report.dueOn.spanishDescription,
                generatedAt: format.dateTime(report.generatedAt), htmlHref: "/instancia/informes/\(report.id)",
                csvHref: "/instancia/informes/\(report.id).csv")
        }
        let notice =
            request.uri.queryParameters["hecho"] == "solicitado"
            ? "Se está generando el informe a solicitud con las cifras de este momento; aparecerá en esta lista en unos segundos (recarga la página)."
            : nil
        return try ctx.page(
            "instancia/informes", title: "Informes de avance",
            ListView(
                reports: reports, hasReports: !reports.isEmpty, csrf: ctx.csrf, notice: notice,
                mayReadQualitative: Authorization.qualitativeReport.contains(user.role))
        )
        .response(from: request, context: ctx)
    }

    /// "Generar informe ahora": enqueues `reports.progress` for a report of today outside the
    /// schedule (the job's uniqueness collapses repeated clicks while one is pending).
    @Sendable func generate(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.reporting, request: request)
        let job = try NewJob(
            ProgressReportJob(onDemand: true),
            uniqueness: .live(key: "reports.progress:a_solicitud:\(context.process.id)"))
        let result = try await context.jobs.insert(job)
        try await AuditLog(client: context.database.client, logger: ctx.logger).append(
            AuditEntry(
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

    // MARK: Qualitative section (gender-equality office)

    struct QualitativeView {
        struct Table {
            let section: String
            let question: String
            let base: String
            let answered: Int
            let multipleChoice: Bool
            let rows: [Row]
        }
        struct Row {
            let label: String
            let count: String
        }
        struct Texts {
            let section: String
            let question: String
            let texts: [Text]
        }
        struct Text {
            let text: String
            let people: Int
        }
        let people: Int
        let generatedAt: String
        let tables: [Table]
        let others: [Texts]
        let hasOthers: Bool
        let reservedText: String
    }

    /// The report of this moment over every active candidacy's identity answers; audited
    /// (who read it, in which format), never the content.
    func qualitativeReport(_ request: Request, _ ctx: WebRequestContext, format: String) async throws -> QualitativeIdentityReport {
        let user = try ctx.requireUser(Authorization.qualitativeReport, request: request)
        let answers = try await context.questionnaires(logger: ctx.logger).activeIdentities(processID: context.process.id)
        try await AuditLog(client: context.database.client, logger: ctx.logger).append(
            AuditEntry(
                actor: AuditActor(role: user.role, id: user.id.uuidString), action: "report.qualitative.read", subjectType: "process",
                subjectID: context.process.id, changes: ["format": format, "people": String(answers.count)]))
        return QualitativeIdentityReport(answers: answers, catalogs: context.catalogs)
    }

    @Sendable func qualitative(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let report = try await qualitativeReport(request, ctx, format: "html")
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let view = QualitativeView(
            people: report.people, generatedAt: format.dateTime(Date()),
            tables: report.tables.map { table in
                QualitativeView.Table(
                    section: table.section, question: table.question, base: table.base, answered: table.answered,
                    multipleChoice: table.multipleChoice,
                    rows: table.rows.map { .init(label: $0.label, count: $0.count.map(String.init) ?? QualitativeIdentityReport.reservedText) })
            },
            others: report.otherTexts.map { group in
                QualitativeView.Texts(
                    section: group.section, question: group.question,
                    texts: group.texts.map { .init(text: $0.text, people: $0.people) })
            },
            hasOthers: !report.otherTexts.isEmpty, reservedText: QualitativeIdentityReport.reservedText)
        var response = try ctx.page("instancia/informe-cualitativo", title: "Informe final: sección cualitativa", view)
            .response(from: request, context: ctx)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The same as CSV (`SpreadsheetWriter`: UTF-8 with BOM, CRLF): section `desglose` (one
    /// row per option) and `otro` (one row per distinct free text).
    @Sendable func qualitativeCSV(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let report = try await qualitativeReport(request, ctx, format: "csv")
        var lines = [["SECCION", "APARTADO", "PREGUNTA", "A_QUIENES_SE_PREGUNTO", "RESPUESTA", "PERSONAS"]]
        for table in report.tables {
            lines.append(["desglose", table.section, table.question, table.base, "Respondieron", String(table.answered)])
            for row in table.rows {
                lines.append([
                    "desglose", table.section, table.question, table.base, row.label,
                    row.count.map(String.init) ?? QualitativeIdentityReport.reservedText,
                ])
            }
        }
        for group in report.otherTexts {
            for entry in group.texts {
                lines.append(["otro", group.section, group.question, "", entry.text, String(entry.people)])
            }
        }
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"informe-final-cualitativo-\(context.process.id).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: SpreadsheetWriter.document(lines))))
    }
}
