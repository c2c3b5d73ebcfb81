/// Diversidad sexual.
public struct SexualDiversitySection: Sendable, Hashable, Codable {
    /// 1. ¿Es usted una persona de la población LGBTTTIQ+?
    public var isLGBTTTIQ: YesNoAnswer?
    /// 2. Usted se identifica como: (after "Sí").
    public var identity: FollowUp<Choice<Identity>>?

    /// A section with the given answers (unanswered by default).
    public init(isLGBTTTIQ: YesNoAnswer? = nil, identity: FollowUp<Choice<Identity>>? = nil) {
        self.isLGBTTTIQ = isLGBTTTIQ
        self.identity = identity
    }

    /// How the person identifies.
    public enum Identity: String, ChoiceOption {
        case gayMan = "hombre_gay"
        case lesbianWoman = "mujer_lesbiana"
        case bisexualPerson = "persona_bisexual"
        case transWoman = "mujer_trans"
        case transMan = "hombre_trans"
        case intersexPerson = "persona_intersexual"
        case nonBinaryPerson = "persona_no_binaria"
        case queer = "queer"
        case other = "otra"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .gayMan: "Hombre gay"
            case .lesbianWoman: "Mujer lesbiana"
            case .bisexualPerson: "Persona bisexual"
            case .transWoman: "Mujer trans"
            case .transMan: "Hombre trans"
            case .intersexPerson: "Persona intersexual"
            case .nonBinaryPerson: "Persona no binaria"
            case .queer: "Queer"
            case .other: "Otra"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var asksForText: Bool { self == .other }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Field identifiers and Spanish labels of the questions.
    public enum Field {
        public static let isLGBTTTIQ = FormField("identity.sexual_diversity.identifies", "¿Es usted una persona de la población LGBTTTIQ+?")
        public static let identity = FormField("identity.sexual_diversity.identity", "Usted se identifica como")
    }

    /// The section with its follow-up set to "No aplica" when question 1 is not "Sí".
    public func normalized() -> SexualDiversitySection {
        guard let isLGBTTTIQ, isLGBTTTIQ != .yes else { return self }
        return SexualDiversitySection(isLGBTTTIQ: isLGBTTTIQ, identity: .notApplicable)
    }

    func validate(into collector: inout IssueCollector) {
        collector.required(isLGBTTTIQ, Field.isLGBTTTIQ)
        collector.followUp(identity, parent: isLGBTTTIQ, Field.identity) {
            $0.choice($1, Field.identity)
        }
    }
}
