import ConocelesCore
import Foundation
import Hummingbird
import Logging
import Storage

/// The representative's area (`/candidaturas`): the candidacies of its party, coalition or
/// independent candidacy with their profiles' states, filters and counts; authorization of
/// publication one by one or in bulk; the request of the one modification after
/// publication; and bulk capture by CSV (`RepresentativeController+BulkCapture`). Only the
/// representative role enters, and only its own entity's candidacies are ever read.
struct RepresentativeController {
    let context: WebContext
    /// Candidacies per page of the list.
    static let pageSize = 100
    /// At most this many candidacies are authorized in one bulk request.
    static let maximumBulk = 1_000

    func addRoutes(to router: Router<WebRequestContext>) {
        // Constant components (`plantilla.csv`, `carga`, `autorizar`) take precedence over
        // `{id}` in Hummingbird's trie, so `/candidaturas/{id}` registered elsewhere does not
        // shadow them (RepresentativeTests checks the template URL).
        router.get("/candidaturas", use: list)
        router.post("/candidaturas/autorizar", use: authorizeMany)
        router.post("/candidaturas/{id}/autorizar", use: authorizeOne)
        router.get("/candidaturas/{id}/modificacion", use: showModification)
        router.post("/candidaturas/{id}/modificacion", use: requestModification)
        router.post("/candidaturas/{id}/modificacion/enviar", use: submitModification)
        router.get("/candidaturas/plantilla.csv", use: template)
        router.get("/candidaturas/carga", use: showUpload)
        router.post("/candidaturas/carga", use: upload)
    }

    /// The signed-in representative and its entity.
    /// - Throws: `WebError.signInRequired`, or `.forbidden` for any other role, or an account
    ///   of another process or without an entity.
    func representative(_ request: Request, _ ctx: WebRequestContext) throws -> (Account, PostulatingEntity) {
        let user = try ctx.requireUser([.representative], request: request)
        guard user.isUsable, user.processID == context.process.id, let entity = user.entity else { throw WebError.forbidden }
        return (user, entity)
    }

    func candidacies(_ ctx: WebRequestContext) -> CandidacyRepository {
        CandidacyRepository(client: context.database.client, logger: ctx.logger)
    }

    func workflows(_ ctx: WebRequestContext) -> ProfileWorkflowRepository {
        ProfileWorkflowRepository(client: context.database.client, logger: ctx.logger)
    }

    static func actor(_ user: Account) -> ProfileActor {
        ProfileActor(role: .representative, id: user.id.uuidString)
    }

    /// Spanish name of a candidacy's office.
    func officeName(_ candidacy: Candidacy) -> String {
        context.process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode
    }

    // MARK: List

    struct ListView {
        let csrf: String
        let counts: [CountView]
        let totalLabel: String
        let offices: [OptionView]
        let municipalities: [OptionView]
        let districts: [OptionView]
        let states: [OptionView]
        let rows: [RowView]
        let hasRows: Bool
        let filtered: Bool
        let paging: PagingView?
    }

    struct CountView {
        let label: String
        let count: String
        let href: String
    }

    struct RowView {
        let id: String
        let name: String
        let office: String
        let territory: String
        let formula: String
        let state: String
        let complete: Bool
        let authorizable: Bool
        let modifiable: Bool
    }

    struct PagingView {
        let label: String
        let previous: String?
        let next: String?
    }

    @Sendable func list(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, entity) = try representative(request, ctx)
        let query = request.uri.queryParameters
        let process = context.process
        var filter = CandidacyRepository.EntityFilter()
        filter.officeCode = query.get("cargo").flatMap { process.office(code: $0) == nil ? nil : $0 }
        filter.municipality = query.get("municipio").flatMap { $0.utf8.count == 3 && $0.allSatisfy({ $0.isASCII && $0.isNumber }) ? $0 : nil }
        filter.district = query.get("distrito").flatMap { Int($0) }.flatMap { process.hasDistrict($0) ? $0 : nil }
        filter.state = query.get("estado").flatMap(ProfileState.init(rawValue:))
        let repository = candidacies(ctx)
        let counts = try await repository.profileStateCounts(processID: process.id, entity: entity, filter: filter)
        let matching = filter.state.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        let pages = max(1, (matching + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(1, query.get("pagina").flatMap { Int($0) } ?? 1), pages)
        let rows = try await repository.profiles(
            processID: process.id, entity: entity, filter: filter,
            limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
        let territories = try await repository.territories(processID: process.id, entity: entity)

        func href(state: ProfileState?, page: Int = 1) -> String {
            var items: [(String, String)] = []
            if let office = filter.officeCode { items.append(("cargo", office)) }
            if let municipality = filter.municipality { items.append(("municipio", municipality)) }
            if let district = filter.district { items.append(("distrito", String(district))) }
            if let state { items.append(("estado", state.rawValue)) }
            if page > 1 { items.append(("pagina", String(page))) }
            return items.isEmpty ? "/candidaturas" : "/candidaturas?" + Self.queryString(items)
        }
        let first = (page - 1) * Self.pageSize + 1
        let view = ListView(
            csrf: ctx.csrf,
            counts: ProfileState.allCases.compactMap { state in
                counts[state].map { CountView(label: state.label, count: SpanishNumberFormat.format($0), href: href(state: state)) }
            },
            totalLabel: matching == 0
                ? "Ninguna candidatura coincide."
                : "Candidaturas \(SpanishNumberFormat.format(first)) a \(SpanishNumberFormat.format(first + rows.count - 1)) de \(SpanishNumberFormat.format(matching)).",
            offices: territories.offices.map { OptionView(value: $0, label: process.office(code: $0)?.name ?? $0, selected: $0 == filter.officeCode) },
            municipalities: territories.municipalities.map { OptionView(value: $0, label: Self.municipalityLabel($0), selected: $0 == filter.municipality) },
            districts: territories.districts.map { OptionView(value: String($0), label: "Distrito \($0)", selected: $0 == filter.district) },
            states: ProfileState.allCases.map { OptionView(value: $0.rawValue, label: $0.label, selected: $0 == filter.state) },
            rows: rows.map(rowView),
            hasRows: !rows.isEmpty,
            filtered: filter != CandidacyRepository.EntityFilter(),
            paging: pages == 1
                ? nil
                : PagingView(
                    label: "Página \(page) de \(pages)", previous: page > 1 ? href(state: filter.state, page: page - 1) : nil,
                    next: page < pages ? href(state: filter.state, page: page + 1) : nil))
        return try ctx.page("candidaturas/lista", title: "Candidaturas", view).response(from: request, context: ctx)
    }

    func rowView(_ profile: CandidacyRepository.CandidacyProfile) -> RowView {
        let candidacy = profile.candidacy
        return RowView(
            id: candidacy.id, name: candidacy.fullName, office: officeName(candidacy), territory: Self.territory(candidacy),
            formula: candidacy.formulaPosition.label + (candidacy.listPosition.map { " · número \($0)" } ?? ""),
            state: profile.state.label, complete: profile.state.hasPassedCompletenessCheck,
            authorizable: ProfileLifecycle.target(of: .authorize, from: profile.state) != nil,
            modifiable: profile.state.hasPublishedVersion)
    }

    /// The district or municipality of a candidacy ("Distrito 5", "Municipio 039"), or "Todo el estado".
    static func territory(_ candidacy: Candidacy) -> String {
        if let district = candidacy.district { return "Distrito \(district)" }
        if let municipality = candidacy.municipality { return municipalityLabel(municipality) }
        return candidacy.listPosition == nil ? "Todo el estado" : "Lista estatal"
    }

    /// A municipality by its INEGI key (the web context has no catalog of names yet).
    static func municipalityLabel(_ key: String) -> String { "Municipio \(key)" }

    /// A query string of `items`, each value percent-encoded.
    static func queryString(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}
