/// Personas mexicanas migrantes.
public struct MigrantSection: Sendable, Hashable, Codable {
    /// 1. ¿Es usted migrante?
    public var isMigrant: YesNoAnswer?
    /// 2. ¿En qué país reside? (countries catalog or "Prefiero no contestar"; no "Otro").
    public var countryOfResidence: FollowUp<CatalogAnswer>?
    /// 3. ¿Cuánto tiempo ha vivido en el extranjero?
    public var timeAbroad: FollowUp<Choice<TimeAbroad>>?
    /// 4. ¿Cuál fue el motivo de la residencia en el extranjero?
    public var reason: FollowUp<Choice<Reason>>?
    /// 5. Cuando emigró, ¿se encontraba con una situación regular de trabajo o con un lugar
    /// asegurado en alguna institución educativa del país extranjero?
    public var hadRegularPlacement: FollowUp<YesNoAnswer>?

    /// A section with the given answers (unanswered by default).
    public init(
        isMigrant: YesNoAnswer? = nil,
        countryOfResidence: FollowUp<CatalogAnswer>? = nil,
        timeAbroad: FollowUp<Choice<TimeAbroad>>? = nil,
        reason: FollowUp<Choice<Reason>>? = nil,
        hadRegularPlacement: FollowUp<YesNoAnswer>? = nil
    ) {
        self.isMigrant = isMigrant
        self.countryOfResidence = countryOfResidence
        self.timeAbroad = timeAbroad
        self.reason = reason
        self.hadRegularPlacement = hadRegularPlacement
    }

    /// Time lived abroad.
    public enum TimeAbroad: String, ChoiceOption {
        case upToFiveYears = "0_5"
        case sixToFifteenYears = "6_15"
        case moreThanFifteenYears = "mas_de_15"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .upToFiveYears: "De 0 a 5 años"
            case .sixToFifteenYears: "De 6 a 15 años"
            case .moreThanFifteenYears: "Más de 15 años"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Reason for residing abroad.
    public enum Reason: String, ChoiceOption {
        case family = "familiar"
        case study = "estudio"
        case work = "trabajo"
        case other = "otro"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .family: "Familiar"
            case .study: "Estudio"
            case .work: "Trabajo"
            case .other: "Otro"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var asksForText: Bool { self == .other }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Field identifiers and Spanish labels of the questions.
    public enum Field {
        public static let isMigrant = FormField("identity.migrant.is_migrant", "¿Es usted migrante?")
        public static let country = FormField("identity.migrant.country_of_residence", "¿En qué país reside?")
        public static let timeAbroad = FormField("identity.migrant.time_abroad", "¿Cuánto tiempo ha vivido en el extranjero?")
        public static let reason = FormField("identity.migrant.reason", "¿Cuál fue el motivo de la residencia en el extranjero?")
        public static let regularPlacement = FormField(
            "identity.migrant.regular_placement",
            "Cuando emigró, ¿se encontraba con una situación regular de trabajo o con un lugar asegurado en alguna institución educativa del país extranjero?")
    }

    /// The section with its follow-ups set to "No aplica" when question 1 is not "Sí".
    public func normalized() -> MigrantSection {
        guard let isMigrant, isMigrant != .yes else { return self }
        return MigrantSection(
            isMigrant: isMigrant, countryOfResidence: .notApplicable, timeAbroad: .notApplicable,
            reason: .notApplicable, hadRegularPlacement: .notApplicable)
    }

    func validate(into collector: inout IssueCollector, catalogs: Catalogs) {
        collector.required(isMigrant, Field.isMigrant)
        collector.followUp(countryOfResidence, parent: isMigrant, Field.country) {
            $0.catalogAnswer($1, catalog: catalogs.countries, catalogName: "países", allowsOther: false, Field.country)
        }
        collector.followUp(timeAbroad, parent: isMigrant, Field.timeAbroad) {
            $0.choice($1, Field.timeAbroad)
        }
        collector.followUp(reason, parent: isMigrant, Field.reason) {
            $0.choice($1, Field.reason)
        }
        collector.followUp(hadRegularPlacement, parent: isMigrant, Field.regularPlacement)
    }
}
