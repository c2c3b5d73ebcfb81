import Testing
@testable import ConocelesCore

/// A length-ruled field of the curricular questionnaire, to parameterize boundary tests.
struct RuledField: Sendable, CustomTestStringConvertible {
    let field: FormField
    let minimum: Int?
    let maximum: Int
    let set: @Sendable (inout CurricularQuestionnaire, String) -> Void

    var testDescription: String { field.id }

    static let all: [RuledField] = [
        RuledField(field: CurricularQuestionnaire.Field.professionalHistory, minimum: 280, maximum: 5_000) { $0.professionalHistory = $1 },
        RuledField(field: CurricularQuestionnaire.Field.politicalTrajectory, minimum: 280, maximum: 5_000) { $0.politicalTrajectory = $1 },
        RuledField(field: CurricularQuestionnaire.Field.publicOfficeMotivation, minimum: 280, maximum: 5_000) { $0.publicOfficeMotivation = $1 },
        RuledField(field: CurricularQuestionnaire.Field.firstProposal, minimum: 280, maximum: 1_600) { $0.firstProposal = $1 },
        RuledField(field: CurricularQuestionnaire.Field.secondProposal, minimum: 280, maximum: 1_600) { $0.secondProposal = $1 },
        RuledField(field: CurricularQuestionnaire.Field.genderProposal, minimum: 280, maximum: 1_600) { $0.genderProposal = $1 },
        RuledField(field: CurricularQuestionnaire.Field.otherTraining(0), minimum: nil, maximum: 250) { $0.otherTraining = [$1] },
    ]
}

@Suite("Length rules at their boundaries")
struct LengthRuleTests {
    func issues(_ ruled: RuledField, text: String, rules: ValidationRules = .default) -> [FieldIssue] {
        var questionnaire = Factories.completeCurricular()
        ruled.set(&questionnaire, text)
        let report = questionnaire.completeness(rules: rules, registeredUnderAffirmativeAction: false, photoReferenceDate: Factories.today)
        // Nothing else in the questionnaire may be wrong.
        #expect(report.fields.allSatisfy { $0 == ruled.field.id })
        return report.issues(for: ruled.field.id)
    }

    @Test("Minimum: one short fails, exactly the minimum passes", arguments: RuledField.all.filter { $0.minimum != nil })
    func minimum(ruled: RuledField) throws {
        let minimum = try #require(ruled.minimum)
        #expect(issues(ruled, text: Factories.text(minimum)).isEmpty)
        let short = issues(ruled, text: Factories.text(minimum - 1))
        #expect(short.map(\.code) == [.tooShort])
        #expect(short.first?.message == "Falta 1 carácter (sin contar espacios) para el mínimo de 280.")
    }

    @Test("Maximum: exactly the maximum passes, one more fails", arguments: RuledField.all)
    func maximum(ruled: RuledField) {
        #expect(issues(ruled, text: Factories.text(ruled.maximum)).isEmpty)
        let long = issues(ruled, text: Factories.text(ruled.maximum + 1))
        #expect(long.map(\.code) == [.tooLong])
        #expect(long.first?.message == "Sobra 1 carácter (sin contar espacios) sobre el máximo de \(SpanishNumberFormat.format(ruled.maximum)).")
    }

    @Test("White space does not fill a text up to the minimum", arguments: RuledField.all.filter { $0.minimum != nil })
    func paddingDoesNotCount(ruled: RuledField) {
        let padded = Factories.text(279) + String(repeating: " \u{00A0}\t\n\u{3000}\u{200B}", count: 200)
        #expect(issues(ruled, text: padded).map(\.code) == [.tooShort])
    }

    @Test("Blank required text is missing, not short", arguments: RuledField.all.filter { $0.minimum != nil })
    func blankIsMissing(ruled: RuledField) {
        let found = issues(ruled, text: " \n\t\u{00A0}")
        #expect(found.map(\.code) == [.missing])
        #expect(found.first?.message.contains("entre 280 y") == true)
    }

    @Test func messagesOfTheRules() {
        #expect(
            LengthRule(minimum: 280, maximum: 5_000).violation(for: Factories.text(243))?.message
                == "Faltan 37 caracteres (sin contar espacios) para el mínimo de 280.")
        #expect(
            LengthRule(minimum: 280, maximum: 5_000).violation(for: Factories.text(5_012))?.message
                == "Sobran 12 caracteres (sin contar espacios) sobre el máximo de 5,000.")
        #expect(
            LengthRule(minimum: 280, maximum: 1_600).violation(for: Factories.text(2_850))?.message
                == "Sobran 1,250 caracteres (sin contar espacios) sobre el máximo de 1,600.")
        #expect(LengthRule(minimum: nil, maximum: 250).violation(for: "") == nil)
    }

    @Test("Limits come from the rules, not from the code")
    func configurableLimits() {
        let rules = ValidationRules(professionalHistory: LengthRule(minimum: 100, maximum: 200))
        let field = RuledField.all[0]
        #expect(issues(field, text: Factories.text(100), rules: rules).isEmpty)
        #expect(
            issues(field, text: Factories.text(99), rules: rules).first?.message
                == "Falta 1 carácter (sin contar espacios) para el mínimo de 100.")
        #expect(issues(field, text: Factories.text(201), rules: rules).map(\.code) == [.tooLong])
    }
}
