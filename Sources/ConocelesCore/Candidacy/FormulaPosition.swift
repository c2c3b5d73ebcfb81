/// The place a person holds in a formula: every candidacy is either the titular
/// (propietaria/o) or the alternate (suplente) of its formula.
public enum FormulaPosition: String, Sendable, Hashable, Codable, CaseIterable {
    /// Propietaria/o.
    case proprietor = "propietario"
    /// Suplente.
    case alternate = "suplente"

    /// Spanish label shown to people (INE's `TIPO_CANDIDATO`).
    public var label: String {
        switch self {
        case .proprietor: "Propietaria/o"
        case .alternate: "Suplente"
        }
    }
}
