import Foundation
import ConocelesCore
import Hummingbird
import Storage

/// The public search's query string, shared by the portal and the public API:
/// `nombre, cargo, partido, distrito, municipio, genero, escolaridad, edad,
/// accion_afirmativa, pagina`. Unknown values are ignored (treated as "any").
struct PublicSearch {
    static let pageSize = 20
    /// Age ranges offered (key, Spanish label, bounds).
    static let ageRanges: [(key: String, label: String, minimum: Int, maximum: Int?)] = [
        ("18-29", "18 a 29 años", 18, 29), ("30-44", "30 a 44 años", 30, 44), ("45-59", "45 a 59 años", 45, 59),
        ("60-mas", "60 años o más", 60, nil),
    ]

    let filter: PublicationFilter
    let page: Int
    /// The raw values, to keep the form filled in and build paging links.
    let values: [String: String]

    static let keys = ["nombre", "cargo", "partido", "distrito", "municipio", "genero", "escolaridad", "edad", "accion_afirmativa"]

    init(_ request: Request, process: ElectionProcess, catalogs: Catalogs) {
        let parameters = Self.formValues(request.uri.query ?? "")
        var values: [String: String] = [:]
        for key in Self.keys {
            if let value = parameters[key]?.trimmedOfWhiteSpace, !value.isEmpty, value.utf8.count <= 100 { values[key] = value }
        }
        var filter = PublicationFilter()
        filter.name = values["nombre"]
        filter.officeCode = values["cargo"].flatMap { process.office(code: $0) == nil ? nil : $0 }
        filter.entity = values["partido"].flatMap { value in Self.entityOptions(process).contains { $0.value == value } ? value : nil }
        filter.district = values["distrito"].flatMap { Int($0) }.flatMap { process.hasDistrict($0) ? $0 : nil }
        filter.municipality = values["municipio"].flatMap { catalogs.municipalities.contains(key: $0) ? $0 : nil }
        filter.gender = values["genero"].flatMap(Gender.init(rawValue:))
        filter.education = values["escolaridad"].flatMap { key in process.rules.educationLevels.contains { $0.key == key } ? key : nil }
        if let range = Self.ageRanges.first(where: { $0.key == values["edad"] }) {
            filter.minimumAge = range.minimum
            filter.maximumAge = range.maximum
        }
        filter.affirmativeAction = values["accion_afirmativa"].flatMap { $0 == "cualquiera" || IdentityGroup(rawValue: $0) != nil ? $0 : nil }
        self.filter = filter
        self.values = values
        self.page = max(1, min(100_000, parameters["pagina"].flatMap { Int($0) } ?? 1))
    }

    /// The query string as a GET form sends it (`application/x-www-form-urlencoded`: "+" is
    /// a space); the first value of each name.
    static func formValues(_ query: String) -> [String: String] {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String? {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = parts.first.flatMap(decoded), values[name] == nil else { continue }
            values[name] = parts.count == 2 ? decoded(parts[1]) : ""
        }
        return values
    }

    /// Parties, coalitions, common candidacies and independent candidacies as filter values.
    static func entityOptions(_ process: ElectionProcess) -> [(value: String, label: String)] {
        process.parties.map { ("partido:\($0.code)", $0.name) }
            + process.coalitions.map { ("\($0.kind == .coalition ? "coalicion" : "candidatura_comun"):\($0.code)", $0.name) }
            + [("independiente", "Candidaturas independientes")]
    }

    /// The query string of this search at `page` (for paging links).
    func query(page: Int) -> String {
        (Self.keys.compactMap { key in values[key].map { "\(key)=\(queryValue($0))" } } + ["pagina=\(page)"]).joined(separator: "&")
    }
}
