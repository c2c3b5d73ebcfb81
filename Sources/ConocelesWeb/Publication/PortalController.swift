import ConocelesCore
import Foundation
import Hummingbird
import NIOCore
import Storage

/// The public portal (no sign-in): search with filters, the public profile and its photo,
/// and the compliance table. Everything comes from the current publication snapshot
/// (`PublicationRepository`), never from the drafts.
struct PortalController {
    let context: WebContext

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.home.route, use: home)
        router.get(PublicPages.search.route, use: search)
        router.get(PublicPages.profile.route, use: profile)
        router.get(PublicPages.compliance.route, use: compliance)
    }

    /// The profile photo, cached by its own hash (outside `PublicCacheMiddleware`).
    func addPhotoRoute(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.photo.route, use: photo)
    }

    /// The affirmative-action filter's values.
    static let actionOptions: [(String, String)] =
        [("cualquiera", "Cualquier acción afirmativa")] + IdentityGroup.allCases.map { ($0.rawValue, $0.label) }

    func repository(_ ctx: WebRequestContext) -> PublicationRepository {
        PublicationRepository(client: context.publicReads, logger: ctx.logger)
    }

    /// Says what the site is, for which process and electoral body, with a search box.
    @Sendable func home(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let process = context.process
        let view = HomeView(processName: process.name, electoralBody: process.electoralBody, electionDay: process.electionDay.spanishDescription)
        return try ctx.page("publico/inicio", title: "Inicio", view).response(from: request, context: ctx)
    }

    @Sendable func search(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let process = context.process
        let search = PublicSearch(request, process: process, catalogs: context.catalogs)
        let size = PublicSearch.pageSize
        let result = try await repository(ctx).search(
            processID: process.id, filter: search.filter, limit: size, offset: (search.page - 1) * size)
        let values = search.values
        func options(_ all: [(String, String)], _ key: String) -> [OptionView] {
            all.map { OptionView(value: $0.0, label: $0.1, selected: values[key] == $0.0) }
        }
        let view = SearchView(
            nombre: values["nombre"] ?? "",
            offices: options(process.offices.map { ($0.code, $0.name) }, "cargo"),
            entities: options(PublicSearch.entityOptions(process).map { ($0.value, $0.label) }, "partido"),
            districts: options((0..<process.districts).map { ("\($0 + 1)", "Distrito \($0 + 1)") }, "distrito"),
            municipalities: options(context.catalogs.municipalities.entries.map { ($0.key, $0.name) }, "municipio"),
            genders: options(Gender.allCases.map { ($0.rawValue, $0.label) }, "genero"),
            education: options(process.rules.educationLevels.map { ($0.key, $0.name) }, "escolaridad"),
            ages: options(PublicSearch.ageRanges.map { ($0.key, $0.label) }, "edad"),
            actions: options(Self.actionOptions, "accion_afirmativa"),
            total: result.total, results: result.profiles.map(ResultView.init), hasResults: !result.profiles.isEmpty,
            pager: PagerView(page: search.page, size: size, total: result.total) { "/candidaturas-publicas?\(search.query(page: $0))" })
        return try ctx.page("publico/busqueda", title: "Candidaturas", view).response(from: request, context: ctx)
    }

    @Sendable func profile(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let id = try ctx.parameters.require("id")
        guard id.utf8.count <= 64, let found = try await repository(ctx).profile(processID: context.process.id, id: id) else {
            throw WebError.notFound
        }
        let partner = try await formulaPartner(of: found.profile, ctx)
        return try ctx.page("publico/perfil", title: found.profile.fullName, ProfileView(found.profile, partner: partner))
            .response(from: request, context: ctx)
    }

    /// The other member of `profile`'s formula (the suplente of a propietaria/o, and back)
    /// when it is public too: same office, territory, postulating entity and list position,
    /// the other formula position. Read through the search's own filters (a handful of rows).
    func formulaPartner(of profile: PublishedProfile, _ ctx: WebRequestContext) async throws -> PublishedProfile? {
        let filter = PublicationFilter(
            officeCode: profile.officeCode, entity: "\(profile.entityKind.rawValue):\(profile.entityCode)",
            district: profile.district, municipality: profile.municipality)
        let candidates = try await repository(ctx).search(processID: context.process.id, filter: filter, limit: 500, offset: 0)
        return candidates.profiles.first { other in
            other.id != profile.id && other.formulaPosition != profile.formulaPosition && other.listPosition == profile.listPosition
                && other.entityCode == profile.entityCode && other.entityKind == profile.entityKind
                && other.district == profile.district && other.municipality == profile.municipality
        }
    }

    /// The published variant of the profile's photo (no metadata), cacheable by its hash.
    @Sendable func photo(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let id = try ctx.parameters.require("id")
        guard id.utf8.count <= 64, let found = try await repository(ctx).profile(processID: context.process.id, id: id),
            let photo = found.profile.photo, let address = BlobAddress(sha256: photo.sha256)
        else { throw WebError.notFound }
        let etag = "\"\(photo.sha256)\""
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[.cacheControl] = "public, max-age=300"
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        guard let bytes = try await context.blobs.get(address) else {
            ctx.logger.error("published photo missing from the blob store", metadata: ["candidacy_id": "\(id)"])
            throw WebError.notFound
        }
        headers[.contentType] = photo.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func compliance(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let rows = try await repository(ctx).compliance(processID: context.process.id)
        let view = ComplianceView(
            rows: rows.map {
                .init(
                    entity: $0.entityName, office: $0.officeName, approved: $0.approved, published: $0.published,
                    share: PortalText.share($0.published, of: $0.approved))
            },
            approved: rows.map(\.approved).reduce(0, +), published: rows.map(\.published).reduce(0, +))
        return try ctx.page("publico/cumplimiento", title: "Cumplimiento por partido y cargo", view).response(from: request, context: ctx)
    }
}
