/// Población con discapacidad.
public struct DisabilitySection: Sendable, Hashable, Codable {
    /// 1. ¿Tiene alguna discapacidad?
    public var hasDisability: YesNoAnswer?
    /// 2. El tipo de discapacidad con el que vive es: permanente, temporal.
    public var duration: FollowUp<Choice<Duration>>?
    /// 3. ¿De qué tipo? (one or more).
    public var types: FollowUp<MultipleChoice<Kind>>?
    /// 4. Su discapacidad le dificulta o impide: (one or more).
    public var difficulties: FollowUp<MultipleChoice<Difficulty>>?

    /// A section with the given answers (unanswered by default).
    public init(
        hasDisability: YesNoAnswer? = nil,
        duration: FollowUp<Choice<Duration>>? = nil,
        types: FollowUp<MultipleChoice<Kind>>? = nil,
        difficulties: FollowUp<MultipleChoice<Difficulty>>? = nil
    ) {
        self.hasDisability = hasDisability
        self.duration = duration
        self.types = types
        self.difficulties = difficulties
    }

    /// Permanente o temporal.
    public enum Duration: String, ChoiceOption {
        case permanent = "permanente"
        case temporary = "temporal"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .permanent: "Permanente"
            case .temporary: "Temporal"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Tipo de discapacidad.
    public enum Kind: String, ChoiceOption {
        case physical = "fisica"
        /// Sensorial: hearing, sight, smell, touch or taste.
        case sensory = "sensorial"
        case mental = "mental"
        case intellectual = "intelectual"
        case other = "otra"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .physical: "Física"
            case .sensory: "Sensorial"
            case .mental: "Mental"
            case .intellectual: "Intelectual"
            case .other: "Otra"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var asksForText: Bool { self == .other }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Lo que la discapacidad dificulta o impide.
    public enum Difficulty: String, ChoiceOption {
        case walking = "caminar"
        case movingArms = "mover_brazos"
        case seeing = "ver"
        case hearing = "escuchar"
        case speaking = "hablar"
        case learning = "aprender"
        case interacting = "interactuar"
        case other = "otra"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .walking: "Caminar, subir o bajar escaleras con sus piernas"
            case .movingArms: "Mover o usar brazos y/o manos"
            case .seeing: "Ver (aunque use lentes)"
            case .hearing: "Escuchar (aunque use aparato auditivo)"
            case .speaking: "Hablar o comunicarse"
            case .learning: "Aprender, recordar y/o concentrarse"
            case .interacting: "Interactuar emocional y/o intelectualmente en un entorno social"
            case .other: "Otra"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var asksForText: Bool { self == .other }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Field identifiers and Spanish labels of the questions.
    public enum Field {
        public static let hasDisability = FormField("identity.disability.has_disability", "¿Tiene alguna discapacidad?")
        public static let duration = FormField("identity.disability.duration", "El tipo de discapacidad con el que vive es")
        public static let types = FormField("identity.disability.types", "¿De qué tipo?")
        public static let difficulties = FormField("identity.disability.difficulties", "Su discapacidad le dificulta o impide")
    }

    /// The section with its follow-ups set to "No aplica" when question 1 is not "Sí".
    public func normalized() -> DisabilitySection {
        guard let hasDisability, hasDisability != .yes else { return self }
        return DisabilitySection(hasDisability: hasDisability, duration: .notApplicable, types: .notApplicable, difficulties: .notApplicable)
    }

    func validate(into collector: inout IssueCollector) {
        collector.required(hasDisability, Field.hasDisability)
        collector.followUp(duration, parent: hasDisability, Field.duration) {
            $0.choice($1, Field.duration)
        }
        collector.followUp(types, parent: hasDisability, Field.types) {
            $0.multipleChoice($1, Field.types)
        }
        collector.followUp(difficulties, parent: hasDisability, Field.difficulties) {
            $0.multipleChoice($1, Field.difficulties)
        }
    }
}
