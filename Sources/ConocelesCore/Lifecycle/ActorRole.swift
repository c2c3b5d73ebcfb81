/// Who acts on a profile.
public enum ActorRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The candidate (propietaria/o or suplente) through their own account.
    case candidate = "persona_candidata"
    /// The representative of the party, coalition or independent candidacy (generic account).
    case representative = "representacion"
    /// Staff of the transparency office (instancia interna).
    case staff = "instancia_interna"
    /// The system itself (completeness check, scheduled publication).
    case system = "sistema"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .candidate: "la persona candidata"
        case .representative: "la representación del partido, coalición o candidatura independiente"
        case .staff: "la instancia interna"
        case .system: "el sistema"
        }
    }
}
