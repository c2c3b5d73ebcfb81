import ConocelesCore

/// The role of an account: a candidate, the generic account of a party, coalition or
/// independent candidacy, or staff (transparency office, gender-equality office, IT).
public enum AccountRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Persona candidata (propietaria/o or suplente): one account per candidacy.
    case candidate = "persona_candidata"
    /// Representación de partido, coalición o candidatura independiente (generic account).
    case representative = "representacion"
    /// Instancia interna (transparency office).
    case transparencyStaff = "instancia_interna"
    /// Instancia de igualdad de género.
    case genderEqualityStaff = "igualdad_genero"
    /// Personal de informática.
    case itStaff = "informatica"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .candidate: "Persona candidata"
        case .representative: "Representación de partido, coalición o candidatura independiente"
        case .transparencyStaff: "Instancia interna"
        case .genderEqualityStaff: "Instancia de igualdad de género"
        case .itStaff: "Informática"
        }
    }

    /// The role this account acts in on a profile's workflow, if it acts on profiles at all.
    public var profileRole: ActorRole? {
        switch self {
        case .candidate: .candidate
        case .representative: .representative
        case .transparencyStaff: .staff
        case .genderEqualityStaff, .itStaff: nil
        }
    }
}
