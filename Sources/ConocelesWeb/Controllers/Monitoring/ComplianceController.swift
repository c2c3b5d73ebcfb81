import ConocelesCore
import Foundation
import Hummingbird
import NIOCore
import Storage

/// `/instancia/cumplimiento`: how far each party, coalition or independent candidacy and
/// each office have come — approved candidacies, accounts sent (and within the deadline),
/// captured, complete, authorized, verified, published, substitutes captured in time. Every
/// number links to the candidacies it counts; the same tables download as CSV.
/// Transparency and gender equality staff.
struct ComplianceController {
    let context: WebContext

    /// At most this many candidacies in a drill-down list.
    static let listLimit = 5_000

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/cumplimiento", use: dashboard)
        router.get("/instancia/cumplimiento.csv", use: csv)
        router.get("/instancia/cumplimiento/candidaturas", use: candidacies)
    }

    /// The filters of a request: `cargo` (an office code of the process) and `entidad`
    /// (`kind:code`); unknown values are ignored.
    struct Filters {
        var officeCode: String?
        var entity: PostulatingEntity?

        init(_ request: Request, process: ElectionProcess) {
            let query = request.uri.queryParameters
            officeCode = query.get("cargo").flatMap { process.office(code: $0)?.code }
            entity = query.get("entidad").flatMap(ComplianceController.entity(key:))
        }

        init(officeCode: String?, entity: PostulatingEntity?) {
            self.officeCode = officeCode
            self.entity = entity
        }

        func scope(_ process: ElectionProcess) -> ComplianceScope {
            ComplianceScope(process: process, officeCode: officeCode, entity: entity)
        }

        /// The query string of these filters plus `extra`.
        func query(_ extra: String = "") -> String {
            "cargo=\(queryValue(officeCode ?? ""))&entidad=\(queryValue(entity.map(ComplianceController.key(of:)) ?? ""))" + extra
        }
    }

    /// `kind:code`, the key of an entity in links and filters.
    static func key(of entity: PostulatingEntity) -> String { "\(entity.kind.rawValue):\(entity.code)" }

    /// The entity of a `kind:code` key, or nil.
    static func entity(key: String) -> PostulatingEntity? {
        guard key.utf8.count <= 80, let colon = key.firstIndex(of: ":"),
            let kind = PostulatingEntity.Kind(rawValue: String(key[..<colon]))
        else { return nil }
        let code = String(key[key.index(after: colon)...])
        return code.isEmpty ? nil : PostulatingEntity(kind: kind, code: code)
    }

    /// The Spanish column header of `indicator`.
    func label(_ indicator: ComplianceIndicator) -> String {
        let deadlines = context.process.deadlines
        return switch indicator {
        case .approved: "Candidaturas aprobadas"
        case .accountsSent: "Cuentas enviadas"
        case .accountsSentOnTime: "Cuentas enviadas en plazo (\(deadlines.accountsSentDays) días)"
        case .captured: "Capturadas"
        case .complete: "Completas"
        case .authorized: "Autorizadas"
        case .verified: "Verificadas"
        case .published: "Publicadas"
        case .substitutions: "Sustituciones"
        case .substitutionsCapturedOnTime: "Sustitutas capturadas en plazo (\(deadlines.substituteCaptureDays) días)"
        }
    }

    /// The Spanish name of a row's group.
    func name(_ group: ComplianceRow.Group) -> String {
        switch group {
        case .entity(let entity):
            if case .independent(let code) = entity { return "Candidatura independiente \(code)" }
            return context.entityName(entity)
        case .office(let code): return context.process.office(code: code)?.name ?? code
        }
    }

    /// The Spanish kind of a row's group (first column of the CSV).
    static func kindLabel(_ group: ComplianceRow.Group) -> String {
        switch group {
        case .entity(let entity):
            switch entity.kind {
            case .party: "Partido"
            case .coalition: "Coalición"
            case .commonCandidacy: "Candidatura común"
            case .independent: "Candidatura independiente"
            }
        case .office: "Cargo"
        }
    }

    static func code(_ group: ComplianceRow.Group) -> String {
        switch group {
        case .entity(let entity): entity.code
        case .office(let code): code
        }
    }

    // MARK: Dashboard

    struct DashboardView {
        let offices: [OptionView]
        let entities: [OptionView]
        let headers: [String]
        let entityTable: TableView
        let officeTable: TableView
        let csvHref: String
        let accountsDays: Int
        let substituteDays: Int
        let filteredOffice: String?
        let filteredEntity: String?
    }

    struct TableView {
        let rows: [RowView]
        let total: RowView
        let hasRows: Bool
    }

    struct RowView {
        let label: String
        let cells: [CellView]
    }

    struct CellView {
        let count: Int
        let href: String
        let header: String
    }

    @Sendable func dashboard(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.monitoringCompliance, request: request)
        let process = context.process
        let filters = Filters(request, process: process)
        let (byEntity, byOffice) = try await ComplianceRepository(client: context.database.client, logger: ctx.logger)
            .tables(filters.scope(process))
        let headers = ComplianceIndicator.allCases.map(label)
        func table(_ rows: [ComplianceRow], filters rowFilters: (ComplianceRow.Group?) -> Filters) -> TableView {
            func row(_ title: String, _ count: (ComplianceIndicator) -> Int, _ group: ComplianceRow.Group?) -> RowView {
                RowView(
                    label: title,
                    cells: ComplianceIndicator.allCases.map { indicator in
                        CellView(
                            count: count(indicator),
                            href: "/instancia/cumplimiento/candidaturas?" + rowFilters(group).query("&indicador=\(indicator.rawValue)"),
                            header: label(indicator))
                    })
            }
            return TableView(
                rows: rows.map { item in row(name(item.group), { item[$0] }, item.group) },
                total: row("Total", { indicator in rows.reduce(0) { $0 + $1[indicator] } }, nil),
                hasRows: !rows.isEmpty)
        }
        let view = DashboardView(
            offices: process.offices.map { OptionView(value: $0.code, label: $0.name, selected: $0.code == filters.officeCode) },
            entities: VerificationController.entityOptions(process).map {
                OptionView(value: $0.key, label: $0.label, selected: $0.entity == filters.entity)
            },
            headers: headers,
            entityTable: table(byEntity) { group in
                guard case .entity(let entity) = group else { return Filters(officeCode: filters.officeCode, entity: nil) }
                return Filters(officeCode: filters.officeCode, entity: entity)
            },
            officeTable: table(byOffice) { group in
                guard case .office(let code) = group else { return Filters(officeCode: nil, entity: filters.entity) }
                return Filters(officeCode: code, entity: filters.entity)
            },
            csvHref: "/instancia/cumplimiento.csv?" + filters.query(),
            accountsDays: process.deadlines.accountsSentDays, substituteDays: process.deadlines.substituteCaptureDays,
            filteredOffice: filters.officeCode.map { process.office(code: $0)?.name ?? $0 },
            filteredEntity: filters.entity.map { name(.entity($0)) })
        return try ctx.page("instancia/cumplimiento", title: "Cumplimiento", view).response(from: request, context: ctx)
    }

    // MARK: CSV

    @Sendable func csv(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.monitoringCompliance, request: request)
        let filters = Filters(request, process: context.process)
        let (byEntity, byOffice) = try await ComplianceRepository(client: context.database.client, logger: ctx.logger)
            .tables(filters.scope(context.process))
        let header = ["Tipo", "Clave", "Nombre"] + ComplianceIndicator.allCases.map(label)
        let lines =
            [header]
            + (byEntity + byOffice).map { row in
                [Self.kindLabel(row.group), Self.code(row.group), name(row.group)] + ComplianceIndicator.allCases.map { String(row[$0]) }
            }
        let text = SpreadsheetWriter.document(lines)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"cumplimiento.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Drill-down

    struct ListView {
        let indicator: String
        let scope: String
        let rows: [ListRowView]
        let count: Int
        let hasRows: Bool
        let truncated: Bool
        let limit: Int
        let backHref: String
    }

    struct ListRowView {
        let id: String
        let name: String
        let office: String
        let entity: String
        let state: String
        let sentAt: String
    }

    @Sendable func candidacies(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.monitoringCompliance, request: request)
        let process = context.process
        let filters = Filters(request, process: process)
        let key = request.uri.queryParameters.get("indicador") ?? ComplianceIndicator.approved.rawValue
        guard let indicator = ComplianceIndicator(rawValue: key) else { throw WebError.notFound }
        let rows = try await ComplianceRepository(client: context.database.client, logger: ctx.logger)
            .candidacies(filters.scope(process), indicator: indicator, limit: Self.listLimit)
        let format = StaffFormat(timeZoneIdentifier: process.timeZone)
        let scope = [filters.entity.map { name(.entity($0)) }, filters.officeCode.map { name(.office(code: $0)) }]
            .compactMap { $0 }.joined(separator: " · ")
        let view = ListView(
            indicator: label(indicator), scope: scope.isEmpty ? "Todas las candidaturas" : scope,
            rows: rows.map { row in
                ListRowView(
                    id: row.id, name: row.fullName, office: name(.office(code: row.officeCode)), entity: name(.entity(row.entity)),
                    state: row.state.label, sentAt: format.dateTime(row.credentialsSentAt))
            },
            count: rows.count, hasRows: !rows.isEmpty, truncated: rows.count >= Self.listLimit, limit: Self.listLimit,
            backHref: "/instancia/cumplimiento?" + filters.query())
        return try ctx.page("instancia/cumplimiento-candidaturas", title: "Cumplimiento: \(label(indicator))", view)
            .response(from: request, context: ctx)
    }
}
