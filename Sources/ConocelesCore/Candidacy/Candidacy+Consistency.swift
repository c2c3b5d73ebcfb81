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
    /// A substitution that names the candidacy itself as the one it replaces.
    case substitutesItself(String)

    /// Spanish explanation for staff reviewing an import.
    public var message: String {
        switch self {
        case .unknownOffice(let code): "El cargo «\(code)» no existe en el proceso electoral."
        case .unknownPostulatingEntity(let entity): "«\(entity.code)» no es un partido, coalición o candidatura común del proceso."
        case .invalidDistrict(let district): "El distrito \(district.map(String.init) ?? "(vacío)") no existe en el proceso."
        case .invalidMunicipality(let key): "El municipio \(key ?? "(vacío)") no está en el catálogo."
        case .missingListPosition: "Falta el número de lista de la candidatura de representación proporcional."
        case .invalidListPosition(let number): "El número de lista o fórmula \(number) no es válido."
        case .substitutesItself(let id):
            "La candidatura \(id) no puede sustituirse a sí misma: la sustitución debe nombrar otra candidatura."
        }
    }

    /// The event's field (as the API and the CSV import name it) the reason is about.
    public var field: String {
        switch self {
        case .unknownOffice: "office"
        case .unknownPostulatingEntity: "postulated_by"
        case .invalidDistrict: "district"
        case .invalidMunicipality: "municipality"
        case .missingListPosition, .invalidListPosition: "list_position"
        case .substitutesItself: "replaces_candidacy_id"
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

extension CandidacyEvent {
    /// Every way this valid event can't apply to `process` (its candidacy's
    /// `inconsistencies`, a substitution of itself); empty when it can. The one check of
    /// both the ingest worker, which rejects such an event, and the CSV import, which
    /// reports the row before anything is stored.
    public func inconsistencies(with process: ElectionProcess, catalogs: Catalogs) -> [CandidacyInconsistency] {
        var found = candidacy?.inconsistencies(with: process, catalogs: catalogs) ?? []
        if kind == .substituted, let candidacy, let replaced = replacesCandidacyID, replaced == candidacy.id {
            found.append(.substitutesItself(replaced))
        }
        return found
    }
}
