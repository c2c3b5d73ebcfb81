/// The answer to a yes/no question of the identity questionnaire, which always offers
/// "Prefiero no contestar".
public enum YesNoAnswer: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sí.
    case yes = "si"
    /// No.
    case no = "no"
    /// Prefiero no contestar.
    case preferNotToAnswer = "prefiero_no_contestar"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .yes: "Sí"
        case .no: "No"
        case .preferNotToAnswer: "Prefiero no contestar"
        }
    }
}
