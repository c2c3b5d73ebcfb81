import ConocelesCore
import Foundation
import Hummingbird
import NIOCore
import Storage

/// Open data of the current publication snapshot: a page describing the files, the
/// candidacies as CSV (INE's 25 columns, UTF-8 with BOM) and JSON, and the aggregated identity
/// statistics as CSV. `PublicCacheMiddleware` adds the cache headers.
struct OpenDataController {
    let context: WebContext

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.openData.route, use: page)
        router.get(PublicPages.openDataCSV.route, use: candidaciesCSV)
        router.get(PublicPages.openDataJSON.route, use: candidaciesJSON)
        router.get(PublicPages.identityStatisticsCSV.route, use: statisticsCSV)
    }

    func repository(_ ctx: WebRequestContext) -> PublicationRepository {
        PublicationRepository(client: context.publicReads, logger: ctx.logger)
    }

    /// Column headers of the statistics file after DIMENSION, VALOR, PERFILES_PUBLICADOS.
    static let groupColumns = IdentityGroup.allCases.map { $0.rawValue.uppercased() }
    /// What a reserved count reads (`IdentityRelease.reservedText`).
    static let suppressed = IdentityRelease.reservedText

    /// The identity statistics file: one line per row of each table (total, cargo, partido,
    /// sexo), a count or `suppressed` per group. Shared with the staff reports' data.
    static func statisticsLines(_ release: IdentityRelease?) -> [[String]] {
        [["DIMENSION", "VALOR", "PERFILES_PUBLICADOS"] + groupColumns]
            + (release?.rows ?? []).map { row in
                [row.dimension, row.value, String(row.profiles)] + IdentityGroup.allCases.map { row.count($0).map(String.init) ?? suppressed }
            }
    }

    @Sendable func page(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let repository = repository(ctx)
        let current = try await repository.current(processID: context.process.id)
        let rows = try await repository.identityRelease(processID: context.process.id)?.release.rows ?? []
        let view = OpenDataView(
            version: current.map { "\($0.version)" } ?? "(aún no hay)", columns: IneOpenData.columns,
            statistics: rows.map { row in
                StatisticsRowView(
                    dimension: IdentityRelease.Dimension(rawValue: row.dimension)?.label ?? row.dimension,
                    value: row.value, profiles: row.profiles,
                    counts: IdentityGroup.allCases.map { row.count($0).map(String.init) ?? Self.suppressed })
            },
            groups: IdentityGroup.allCases.map(\.label), reserved: Self.suppressed)
        return try ctx.page("publico/datos", title: "Datos abiertos", view).response(from: request, context: ctx)
    }

    @Sendable func candidaciesCSV(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, profiles) = try await repository(ctx).all(processID: context.process.id)
        let process = context.process
        let lines = [IneOpenData.columns] + profiles.map { IneOpenData.row(of: $0, in: process) }
        return PublicResponse.file(Self.csv(lines), contentType: "text/csv; charset=utf-8", name: "candidaturas.csv")
    }

    @Sendable func candidaciesJSON(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (version, profiles) = try await repository(ctx).all(processID: context.process.id)
        let body = try PublicResponse.encode(
            PublicCandidacyList(
                version: version, total: profiles.count, page: nil,
                candidacies: profiles.map(PublicCandidacy.init)))
        return PublicResponse.file(body, contentType: "application/json; charset=utf-8", name: "candidaturas.json")
    }

    @Sendable func statisticsCSV(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let lines = Self.statisticsLines(try await repository(ctx).identityRelease(processID: context.process.id)?.release)
        return PublicResponse.file(Self.csv(lines), contentType: "text/csv; charset=utf-8", name: "estadisticas-identidad.csv")
    }

    /// The file as every CSV of the system (`SpreadsheetWriter`: UTF-8 with BOM, CRLF, every
    /// cell quoted and defused). The candidacies file keeps INE's own layout (its 25 columns,
    /// their names and order, "No proporcionó"): only the bytes around them follow the writer,
    /// which INE's readers of UTF-8 also take.
    static func csv(_ lines: [[String]]) -> String {
        SpreadsheetWriter.document(lines)
    }
}
