/// A group in a situation of discrimination or priority attention: the groups the
/// identity questionnaire asks about and the affirmative actions a candidacy may be
/// registered under. Socioeconomic data and state of birth are not groups: they only feed
/// statistics.
public enum IdentityGroup: String, Sendable, Hashable, Codable, CaseIterable {
    /// Persona indígena.
    case indigenous = "indigena"
    /// Persona con discapacidad.
    case disability = "discapacidad"
    /// Persona afromexicana o afrodescendiente.
    case afroMexican = "afromexicana"
    /// Persona de la diversidad sexual (LGBTTTIQ+).
    case sexualDiversity = "diversidad_sexual"
    /// Persona mexicana migrante.
    case migrant = "migrante"
    /// Persona joven (21 a 29 años).
    case youth = "joven"
    /// Persona mayor (60 años o más).
    case olderPerson = "persona_mayor"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .indigenous: "Persona indígena"
        case .disability: "Persona con discapacidad"
        case .afroMexican: "Persona afromexicana o afrodescendiente"
        case .sexualDiversity: "Persona de la diversidad sexual (LGBTTTIQ+)"
        case .migrant: "Persona mexicana migrante"
        case .youth: "Persona joven"
        case .olderPerson: "Persona mayor"
        }
    }
}
