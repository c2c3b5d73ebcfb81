/// A reason a candidacy does not fit its election process.
public enum CandidacyInconsistency: Sendable, Hashable {
    /// The process has no office with this code.
    case unknownOffice(String)
    /// The party, coalition or common candidacy is not in the process.
    case unknownPostulatingEntity(PostulatingEntity)
    /// A district office without a valid district number (1…districts).
    case invalidDistrict(Int?)
    /// A municipal office without a municipality of the catalog.
    case invalidMunicipality(String?)
    /// A list office (representación proporcional) without a positive list position.
    case missingListPosition
    /// The formula position or list number is not positive.
    case invalidListPosition(Int)

    /// Spanish explanation for staff reviewing an import.
    public var message: String {
        switch self {
        case .unknownOffice(let code): "El cargo «\(code)» no existe en el proceso electoral."
        case .unknownPostulatingEntity(let entity): "«\(entity.code)» no es un partido, coalición o candidatura común del proceso."
        case .invalidDistrict(let district): "El distrito \(district.map(String.init) ?? "(vacío)") no existe en el proceso."
        case .invalidMunicipality(let key): "El municipio \(key ?? "(vacío)") no está en el catálogo."
        case .missingListPosition: "Falta el número de lista de la candidatura de representación proporcional."
        case .invalidListPosition(let number): "El número de lista o fórmula \(number) no es válido."
        }
    }
}

extension Candidacy {
    /// Every way this candidacy does not fit `process` and its municipalities catalog;
    /// empty when it fits. Used when importing registration events.
    public func inconsistencies(with process: ElectionProcess, catalogs: Catalogs) -> [CandidacyInconsistency] {
        var found: [CandidacyInconsistency] = []
        if !postulatingEntity.belongs(to: process) { found.append(.unknownPostulatingEntity(postulatingEntity)) }
        if let listPosition, listPosition < 1 { found.append(.invalidListPosition(listPosition)) }
        guard let office = process.office(code: officeCode) else {
            found.append(.unknownOffice(officeCode))
            return found
        }
        switch office.scope {
        case .state:
            break
        case .district:
            if district.map({ !process.hasDistrict($0) }) ?? true {
                found.append(.invalidDistrict(district))
            }
        case .list:
            if listPosition == nil { found.append(.missingListPosition) }
        case .municipality:
            if municipality.map({ !catalogs.municipalities.contains(key: $0) }) ?? true {
                found.append(.invalidMunicipality(municipality))
            }
        }
        return found
    }
}
