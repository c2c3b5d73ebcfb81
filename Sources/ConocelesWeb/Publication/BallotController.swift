import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// "Mi boleta" (`/mi-boleta?municipio=KEY&distrito=N`): a voter picks a municipality and a
/// local district and sees every office on their ballot with its listed candidacies — the
/// state-wide offices, the MR deputies of the district, the RP lists, and the
/// municipality's ayuntamiento slates — from the current snapshot.
///
/// The process's sourced data has no municipality → district table (a municipality may span
/// several local districts), so the district is always asked for, among 1…`districts`.
struct BallotController {
    let context: WebContext
    /// More than any office lists in one territory (a municipality's regidurías included).
    static let limitPerOffice = 5_000

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.ballot.route, use: ballot)
    }

    @Sendable func ballot(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let process = context.process
        let values = PublicSearch.formValues(request.uri.query ?? "")
        let municipalityKey = values["municipio"]?.trimmedOfWhiteSpace ?? ""
        let districtText = values["distrito"]?.trimmedOfWhiteSpace ?? ""
        let municipality = context.catalogs.municipalities.entries.first { $0.key == municipalityKey }
        let district = Int(districtText).flatMap { process.hasDistrict($0) ? $0 : nil }
        var errors = BallotView.Errors()
        if !municipalityKey.isEmpty, municipality == nil { errors.municipality = "Elija un municipio de la lista." }
        if !districtText.isEmpty, district == nil {
            errors.district =
                process.districts == 0
                ? "Este proceso no tiene distritos locales." : "Elija un distrito local de la lista (1 a \(process.districts))."
        }
        if municipality != nil, districtText.isEmpty { errors.district = "Elija también su distrito local: aparece en su credencial para votar." }
        if municipalityKey.isEmpty, !districtText.isEmpty { errors.municipality = "Elija también su municipio." }

        var offices: [BallotView.OfficeView] = []
        if let municipality, let district, errors.isEmpty {
            let repository = PublicationRepository(client: context.publicReads, logger: ctx.logger)
            for office in process.offices {
                var filter = PublicationFilter(officeCode: office.code)
                switch office.scope {
                case .state, .list: break
                case .district: filter.district = district
                case .municipality: filter.municipality = municipality.key
                }
                let page = try await repository.search(processID: process.id, filter: filter, limit: Self.limitPerOffice, offset: 0)
                offices.append(BallotView.OfficeView(office: office, profiles: page.profiles))
            }
        }
        let view = BallotView(
            municipalities: context.catalogs.municipalities.entries.map { OptionView(value: $0.key, label: $0.name, selected: $0.key == municipalityKey) },
            districts: process.districtNumbers.map { OptionView(value: "\($0)", label: "Distrito \($0)", selected: $0 == district) },
            errors: errors, place: municipality.flatMap { m in district.map { "\(m.name), distrito local \($0)" } },
            offices: offices)
        // A half-filled form is a question, not an error; a value outside the lists is.
        let invalid = (!municipalityKey.isEmpty && municipality == nil) || (!districtText.isEmpty && district == nil)
        let status: HTTPResponse.Status = invalid ? .badRequest : .ok
        return try ctx.page("publico/mi-boleta", title: "Mi boleta", view, status: status).response(from: request, context: ctx)
    }
}
