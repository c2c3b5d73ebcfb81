import ConocelesCore
import Foundation
import Hummingbird
import Storage

/// `/comparar?id=A&id=B[&id=C]`: two or three listed candidacies of the same office side by
/// side (rows = fields, columns = candidacies), from the current snapshot. Anything else
/// (one id, more than three, unknown ids, different offices or seats: the mayors of two
/// municipalities) is a 400 page that says why.
struct CompareController {
    let context: WebContext
    /// The most candidacies compared at once.
    static let maximum = 3

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get(PublicPages.comparison.route, use: compare)
    }

    @Sendable func compare(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        var ids: [String] = []
        for id in Self.values(of: "id", in: request.uri.query ?? "") where !id.isEmpty && !ids.contains(id) { ids.append(id) }
        func refuse(_ text: String) throws -> Response {
            try ctx.message(
                title: "No se puede comparar", text, status: .badRequest,
                link: LinkView(href: "/candidaturas-publicas", label: "Volver a la búsqueda")
            ).response(from: request, context: ctx)
        }
        guard ids.count >= 2 else {
            return try refuse("Marque «Comparar» en dos o tres candidaturas del mismo cargo y pulse «Comparar seleccionadas».")
        }
        guard ids.count <= Self.maximum else {
            return try refuse("Se pueden comparar como máximo \(Self.maximum) candidaturas a la vez; usted eligió \(ids.count).")
        }
        let repository = PublicationRepository(client: context.publicReads, logger: ctx.logger)
        var profiles: [PublishedProfile] = []
        for id in ids {
            guard id.utf8.count <= 64, let found = try await repository.profile(processID: context.process.id, id: id) else {
                return try refuse("Alguna de las candidaturas elegidas no existe o ya no está en la versión publicada.")
            }
            profiles.append(found.profile)
        }
        guard Set(profiles.map(\.officeCode)).count == 1 else {
            return try refuse(
                "Solo se pueden comparar candidaturas del mismo cargo; usted eligió "
                    + profiles.map { "\($0.fullName) (\($0.officeName))" }.joined(separator: ", ") + ".")
        }
        // The same office in two municipalities or districts is two contests, not one.
        guard Set(profiles.map { Seat(district: $0.district, municipality: $0.municipality) }).count == 1 else {
            return try refuse(
                "Solo se pueden comparar candidaturas que compiten por el mismo puesto (el mismo municipio o distrito); usted eligió "
                    + profiles.map { "\($0.fullName) (\(Self.place(of: $0)))" }.joined(separator: ", ") + ".")
        }
        return try ctx.page("publico/comparar", title: "Comparar candidaturas", ComparisonView(profiles)).response(from: request, context: ctx)
    }

    /// Where a candidacy competes within its office.
    struct Seat: Hashable {
        let district: Int?
        let municipality: String?
    }

    static func place(of profile: PublishedProfile) -> String {
        if let name = profile.municipalityName ?? profile.municipality { return "\(profile.officeName), \(name)" }
        if let district = profile.district { return "\(profile.officeName), distrito \(district)" }
        return profile.officeName
    }

    /// Every value of `name` in a form-encoded query string, in order.
    static func values(of name: String, in query: String) -> [String] {
        query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String? { String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard parts.count == 2, decoded(parts[0]) == name else { return nil }
            return decoded(parts[1])?.trimmedOfWhiteSpace
        }
    }
}
