/// Gender as registered in the candidacy (INE's `SEXO`), used in filters and statistics.
public enum Gender: String, Sendable, Hashable, Codable, CaseIterable {
    /// Mujer.
    case woman = "mujer"
    /// Hombre.
    case man = "hombre"
    /// Persona no binaria.
    case nonBinary = "no_binaria"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .woman: "Mujer"
        case .man: "Hombre"
        case .nonBinary: "Persona no binaria"
        }
    }
}
