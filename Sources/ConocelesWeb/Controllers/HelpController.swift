import ConocelesCore
import Hummingbird

/// `/ayuda`: the user manual for parties, coalitions, independent candidacies and
/// candidates (public: people read it before they can sign in). Its limits and deadlines
/// come from the same rules and process file the forms are checked against.
struct HelpController {
    let context: WebContext

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get(PublicPages.help.route, use: manual)
    }

    @Sendable func manual(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        try ctx.page(
            "ayuda/manual", title: "Ayuda: manual para partidos y personas candidatas",
            HelpView(
                process: context.process, rules: context.process.rules, photoMaximumBytes: context.process.rules.photoMaximumBytes,
                sessionMinutes: Int(context.sessionTTL.components.seconds / 60))
        )
        .response(from: request, context: ctx)
    }
}

/// What the manual states that an electoral body may change: limits and deadlines.
struct HelpView {
    /// One text field of the curricular questionnaire and its limit.
    struct LimitRow {
        let field: String
        let rule: String
    }

    let electoralBody: String
    let processName: String
    let electionDay: String
    let publicationDate: String
    let sessionMinutes: Int
    let passwordMinimum: Int
    let accountsSentDays: Int
    let substituteCaptureDays: Int
    let captureDeadlines: String
    let hasCaptureDeadlines: Bool
    let reminderDays: String
    let hasReminders: Bool
    let limits: [LimitRow]
    let educationLevels: String
    let educationStatuses: String
    let photoMaximumKB: Int
    let photoMaximumAgeMonths: Int
    let modificationReasonMaximum: String

    init(process: ElectionProcess, rules: ValidationRules, photoMaximumBytes: Int, sessionMinutes: Int) {
        electoralBody = process.electoralBody
        processName = process.name
        electionDay = process.electionDay.spanishDescription
        publicationDate = process.publicationDate.spanishDescription
        self.sessionMinutes = sessionMinutes
        passwordMinimum = PasswordRules.minimumLength
        let deadlines = process.deadlines
        accountsSentDays = deadlines.accountsSentDays
        substituteCaptureDays = deadlines.substituteCaptureDays
        captureDeadlines = Self.list(deadlines.captureDeadlines.map(\.spanishDescription))
        hasCaptureDeadlines = !deadlines.captureDeadlines.isEmpty
        reminderDays = Self.list(deadlines.reminderDaysBefore.sorted(by: >).map(String.init))
        hasReminders = !deadlines.reminderDaysBefore.isEmpty
        limits =
            CurricularField.texts.compactMap { entry in
                entry.text.flatMap { text in text.ruleLabel.map { LimitRow(field: $0, rule: Self.describe(rules[keyPath: text.rule])) } }
            } + [
                LimitRow(field: "Cada curso, diplomado o seminario de «Otra formación académica»", rule: Self.describe(rules.otherTrainingEntry))
            ]
        educationLevels = Self.list(rules.educationLevels.map(\.name))
        educationStatuses = Self.list(rules.educationStatuses.map(\.name))
        photoMaximumKB = photoMaximumBytes / 1_024
        photoMaximumAgeMonths = rules.photoMaximumAgeMonths
        modificationReasonMaximum = SpanishNumberFormat.format(RepresentativeController.reasonRule.maximum)
    }

    /// "de 280 a 5,000 caracteres" or "hasta 250 caracteres", not counting white space.
    static func describe(_ rule: LengthRule) -> String {
        let maximum = SpanishNumberFormat.format(rule.maximum)
        if let minimum = rule.minimum {
            return "obligatorio, de \(SpanishNumberFormat.format(minimum)) a \(maximum) caracteres sin contar espacios"
        }
        return "opcional, hasta \(maximum) caracteres sin contar espacios"
    }

    /// "a, b y c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " y " + items.last!
    }
}
