/// Keys of a candidacy that a spreadsheet mangled, read back when there is exactly one way
/// to read them: Excel drops the leading zeros of a municipality key (`39` for `039`) and
/// people type party codes in any case (`pan` for `PAN`). Only keys that are not in the
/// process as written are touched, and only when one key of the catalog or process matches;
/// each repair is reported to the person who sent the file.
public struct CandidacyKeyRepair: Sendable, Equatable {
    /// The field repaired (the CSV's column name).
    public let field: String
    public let original: String
    public let repaired: String

    public init(field: String, original: String, repaired: String) {
        self.field = field
        self.original = original
        self.repaired = repaired
    }

    /// Spanish note for the import's report.
    public var message: String {
        "«\(field)»: «\(original)» se tomó como «\(repaired)»"
            + (field == "municipality" ? " (la hoja de cálculo quitó los ceros a la izquierda)." : " (así está en el proceso).")
    }

    /// `candidacy` with its mangled keys read back, and what was repaired.
    public static func repairing(
        _ candidacy: CandidacyEventParser.WireCandidacy, process: ElectionProcess,
        catalogs: Catalogs
    ) -> (CandidacyEventParser.WireCandidacy, [CandidacyKeyRepair]) {
        var wire = candidacy
        var repairs: [CandidacyKeyRepair] = []
        if let key = wire.municipality?.trimmedOfWhiteSpace, !key.isEmpty, !catalogs.municipalities.contains(key: key),
            let number = Int(key), key.allSatisfy(\.isASCII)
        {
            let matches = catalogs.municipalities.entries.filter { Int($0.key) == number }
            if matches.count == 1 {
                repairs.append(CandidacyKeyRepair(field: "municipality", original: key, repaired: matches[0].key))
                wire.municipality = matches[0].key
            }
        }
        if let code = wire.office?.trimmedOfWhiteSpace, !code.isEmpty, process.office(code: code) == nil {
            let matches = process.offices.filter { $0.code.lowercased() == code.lowercased() }
            if matches.count == 1 {
                repairs.append(CandidacyKeyRepair(field: "office", original: code, repaired: matches[0].code))
                wire.office = matches[0].code
            }
        }
        if let type = wire.postulatedByType.flatMap(PostulatingEntity.Kind.init(rawValue:)),
            let code = wire.postulatedBy?.trimmedOfWhiteSpace, !code.isEmpty,
            !PostulatingEntity(kind: type, code: code).belongs(to: process)
        {
            let codes = process.parties.map(\.code) + process.coalitions.map(\.code)
            let matches = codes.filter {
                $0.lowercased() == code.lowercased() && PostulatingEntity(kind: type, code: $0).belongs(to: process)
            }
            if matches.count == 1 {
                repairs.append(CandidacyKeyRepair(field: "postulated_by", original: code, repaired: matches[0]))
                wire.postulatedBy = matches[0]
            }
        }
        return (wire, repairs)
    }
}
