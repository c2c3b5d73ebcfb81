/// Accumulates the issues of a questionnaire in form order; the checks every
/// questionnaire shares live here once.
struct IssueCollector {
    private(set) var issues: [FieldIssue] = []

    mutating func add(_ field: FormField, _ code: FieldIssue.Code, _ message: String) {
        issues.append(FieldIssue(field: field.id, label: field.label, code: code, message: message))
    }

    var report: CompletenessReport { CompletenessReport(issues: issues) }

    // MARK: Text

    /// A required text within `rule`: blank is missing, otherwise the length must fit.
    mutating func requiredText(_ text: String?, rule: LengthRule, _ field: FormField) {
        guard let text, !text.isBlank else {
            add(field, .missing, "Campo obligatorio: escriba \(rule.rangeDescription).")
            return
        }
        length(text, rule: rule, field)
    }

    /// A text's length against `rule`.
    mutating func length(_ text: String, rule: LengthRule, _ field: FormField) {
        switch rule.violation(for: text) {
        case nil: break
        case let violation? where violation.isTooShort: add(field, .tooShort, violation.message)
        case let violation?: add(field, .tooLong, violation.message)
        }
    }

    // MARK: Identity questions

    static let missingAnswerMessage = "Responda esta pregunta; puede elegir «Prefiero no contestar»."
    static let followUpRequiredMessage = "Responda esta pregunta, porque respondió «Sí» a la anterior; puede elegir «Prefiero no contestar»."
    static let notApplicableMessage = "Esta pregunta solo aplica si respondió «Sí» a la anterior; debe quedar como «No aplica»."
    static let otherTextMissingMessage = "Eligió «Otro/Otra»: escriba cuál."
    static let otherTextUnexpectedMessage = "Solo escriba texto si eligió «Otro/Otra»."

    /// A question that must be answered.
    mutating func required<Answer>(_ answer: Answer?, _ field: FormField) {
        if answer == nil { add(field, .missing, Self.missingAnswerMessage) }
    }

    /// A follow-up: answered (and then checked by `check`) when `parent` is "Sí", "No
    /// aplica" when `parent` is "No" or "Prefiero no contestar". While `parent` is
    /// unanswered, an answer given anyway is kept with it (a draft) and not flagged: the
    /// unanswered parent is, and the answer counts once the parent is "Sí".
    mutating func followUp<Answer>(
        _ value: FollowUp<Answer>?, parent: YesNoAnswer?, _ field: FormField,
        check: (inout IssueCollector, Answer) -> Void = { _, _ in }
    ) {
        switch (parent, value) {
        case (.yes, nil), (.yes, .notApplicable?):
            add(field, .missing, Self.followUpRequiredMessage)
        case (.yes, .answered(let answer)?):
            check(&self, answer)
        case (.no?, .answered?), (.preferNotToAnswer?, .answered?):
            add(field, .notApplicableExpected, Self.notApplicableMessage)
        case (.no?, _), (.preferNotToAnswer?, _), (nil, _):
            break
        }
    }

    /// A single choice's "Otro/Otra" text: required with it, refused without it.
    mutating func choice<Option>(_ choice: Choice<Option>, _ field: FormField) {
        otherText(choice.otherText, chosen: choice.option.asksForText, field)
    }

    /// A multiple choice: at least one option, "Prefiero no contestar" alone, "Otra" with text.
    mutating func multipleChoice<Option>(_ choice: MultipleChoice<Option>, _ field: FormField) {
        if choice.options.isEmpty {
            add(field, .missing, "Elija al menos una opción; puede elegir «Prefiero no contestar».")
            return
        }
        if choice.options.count > 1 && choice.options.contains(where: \.isPreferNotToAnswer) {
            add(field, .conflictingOptions, "«Prefiero no contestar» no puede elegirse junto con otras opciones.")
        }
        otherText(choice.otherText, chosen: choice.options.contains(where: \.asksForText), field)
    }

    private mutating func otherText(_ text: String?, chosen: Bool, _ field: FormField) {
        let hasText = !(text?.isBlank ?? true)
        if chosen && !hasText { add(field, .otherTextMissing, Self.otherTextMissingMessage) }
        if !chosen && hasText { add(field, .otherTextUnexpected, Self.otherTextUnexpectedMessage) }
    }

    /// A catalog answer: its key must be in `catalog`; "Otro" only where `allowsOther`,
    /// with text.
    mutating func catalogAnswer(
        _ answer: CatalogAnswer, catalog: Catalog, catalogName: String, allowsOther: Bool, _ field: FormField
    ) {
        switch answer {
        case .entry(let key):
            if !catalog.contains(key: key) {
                add(field, .notInCatalog, "La opción elegida no está en el catálogo de \(catalogName).")
            }
        case .other(let text):
            if !allowsOther {
                add(field, .invalid, "Esta pregunta no tiene la opción «Otro»: elija una opción de la lista.")
            } else if text.isBlank {
                add(field, .otherTextMissing, Self.otherTextMissingMessage)
            }
        case .preferNotToAnswer:
            break
        }
    }
}
