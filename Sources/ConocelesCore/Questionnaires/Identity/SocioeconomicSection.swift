/// Rubro socioeconómico. Feeds statistics only; never shown on a profile.
public struct SocioeconomicSection: Sendable, Hashable, Codable {
    /// 1. Ingresos del mes pasado.
    public var incomeBracket: Choice<IncomeBracket>?
    /// 2. Su fuente principal de ingresos es.
    public var incomeSource: Choice<IncomeSource>?

    /// A section with the given answers (unanswered by default).
    public init(incomeBracket: Choice<IncomeBracket>? = nil, incomeSource: Choice<IncomeSource>? = nil) {
        self.incomeBracket = incomeBracket
        self.incomeSource = incomeSource
    }

    /// Last month's income bracket.
    public enum IncomeBracket: String, ChoiceOption {
        case lessThan11000 = "menos_11000"
        case from11001To25000 = "11001_25000"
        case from25001To50000 = "25001_50000"
        case from50001To75000 = "50001_75000"
        case from75001To112000 = "75001_112000"
        case moreThan112000 = "mas_112000"
        case noIncome = "sin_ingresos"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .lessThan11000: "Menos de $11,000"
            case .from11001To25000: "De $11,001 a $25,000"
            case .from25001To50000: "De $25,001 a $50,000"
            case .from50001To75000: "De $50,001 a $75,000"
            case .from75001To112000: "De $75,001 a $112,000"
            case .moreThan112000: "Más de $112,000"
            case .noIncome: "No recibe ingresos"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Main source of income. "Negocio propio" has two variants in the questionnaire.
    public enum IncomeSource: String, ChoiceOption {
        case salary = "salario"
        case ownBusinessWithFamily = "negocio_propio_familiares"
        case ownBusinessFewerThanFiveEmployees = "negocio_propio_menos_5"
        case registeredCompany = "empresa_registrada"
        case notWorkedLastThreeMonths = "sin_laborar_3_meses"
        case preferNotToAnswer = "prefiero_no_contestar"

        public var label: String {
            switch self {
            case .salary: "Salario"
            case .ownBusinessWithFamily: "Negocio propio, atendido con familiares"
            case .ownBusinessFewerThanFiveEmployees: "Negocio propio, con menos de 5 empleados"
            case .registeredCompany: "Compañía o empresa registrada, con 5 empleados o más"
            case .notWorkedLastThreeMonths: "No ha laborado en los 3 meses anteriores"
            case .preferNotToAnswer: "Prefiero no contestar"
            }
        }
        public var isPreferNotToAnswer: Bool { self == .preferNotToAnswer }
    }

    /// Field identifiers and Spanish labels of the questions.
    public enum Field {
        public static let incomeBracket = FormField(
            "identity.socioeconomic.income_bracket",
            "Pensando en todo lo que ganó usted el mes pasado, ¿en cuál de los siguientes grupos de ingresos se encuentra?")
        public static let incomeSource = FormField("identity.socioeconomic.income_source", "Su fuente principal de ingresos es")
    }

    func validate(into collector: inout IssueCollector) {
        collector.required(incomeBracket, Field.incomeBracket)
        if let incomeBracket { collector.choice(incomeBracket, Field.incomeBracket) }
        collector.required(incomeSource, Field.incomeSource)
        if let incomeSource { collector.choice(incomeSource, Field.incomeSource) }
    }
}
