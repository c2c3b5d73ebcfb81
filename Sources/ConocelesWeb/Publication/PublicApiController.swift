import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// The read-only public JSON API over the current publication snapshot (documented in
/// `docs/openapi.yaml`): search with the portal's filters, one candidacy and the
/// statistics. Open to any origin (CORS `*`) and cacheable (`PublicCacheMiddleware`).
struct PublicApiController {
    let context: WebContext
    static let maximumPageSize = 100
    static let json = "application/json; charset=utf-8"

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.apiSearch.route, use: search)
        router.get(PublicPages.apiCandidacy.route, use: candidacy)
        router.get(PublicPages.apiStatistics.route, use: statistics)
    }

    /// The numbers of the statistics page (`PortalStatistics`).
    @Sendable func statistics(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let statistics = try await PortalStatistics.load(
            PublicationRepository(client: context.publicReads, logger: ctx.logger), context: context)
        return PublicResponse.file(try PublicResponse.encode(statistics), contentType: Self.json)
    }

    @Sendable func search(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let search = PublicSearch(request, process: context.process, catalogs: context.catalogs)
        let size = max(1, min(Self.maximumPageSize, request.uri.queryParameters.get("por_pagina").flatMap { Int($0) } ?? PublicSearch.pageSize))
        let result = try await PublicationRepository(client: context.publicReads, logger: ctx.logger).search(
            processID: context.process.id, filter: search.filter, limit: size, offset: (search.page - 1) * size)
        let body = try PublicResponse.encode(
            PublicCandidacyList(
                version: result.version, total: result.total, page: search.page, candidacies: result.profiles.map(PublicCandidacy.init)))
        return PublicResponse.file(body, contentType: Self.json)
    }

    @Sendable func candidacy(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let id = try ctx.parameters.require("id")
        let repository = PublicationRepository(client: context.publicReads, logger: ctx.logger)
        guard id.utf8.count <= 64, let found = try await repository.profile(processID: context.process.id, id: id) else {
            return PublicResponse.file(
                #"{"error":"No existe una candidatura pública con ese identificador."}"#,
                contentType: Self.json, status: .notFound)
        }
        let body = try PublicResponse.encode(PublicCandidacy(found.profile))
        return PublicResponse.file(body, contentType: Self.json)
    }
}
