import Foundation
import Testing
@testable import ConocelesCore

/// One follow-up question, with how to set its parent question and itself.
struct FollowUpQuestion: Sendable, CustomTestStringConvertible {
    enum State: Sendable, CaseIterable { case unanswered, notApplicable, answered }

    let field: FormField
    let parent: FormField
    let setParent: @Sendable (inout IdentityQuestionnaire, YesNoAnswer?) -> Void
    let set: @Sendable (inout IdentityQuestionnaire, State) -> Void

    var testDescription: String { field.id }

    static func value<A>(_ state: State, _ answer: A) -> FollowUp<A>? {
        switch state {
        case .unanswered: nil
        case .notApplicable: .notApplicable
        case .answered: .answered(answer)
        }
    }

    static let all: [FollowUpQuestion] = [
        FollowUpQuestion(
            field: IndigenousSection.Field.people, parent: IndigenousSection.Field.identifies,
            setParent: { $0.indigenous.identifiesAsIndigenous = $1 },
            set: { $0.indigenous.people = value($1, .other(text: "Coca")) }),
        FollowUpQuestion(
            field: DisabilitySection.Field.duration, parent: DisabilitySection.Field.hasDisability,
            setParent: { $0.disability.hasDisability = $1 },
            set: { $0.disability.duration = value($1, Choice(.temporary)) }),
        FollowUpQuestion(
            field: DisabilitySection.Field.types, parent: DisabilitySection.Field.hasDisability,
            setParent: { $0.disability.hasDisability = $1 },
            set: { $0.disability.types = value($1, MultipleChoice([.other], otherText: "Psicosocial")) }),
        FollowUpQuestion(
            field: DisabilitySection.Field.difficulties, parent: DisabilitySection.Field.hasDisability,
            setParent: { $0.disability.hasDisability = $1 },
            set: { $0.disability.difficulties = value($1, MultipleChoice([.seeing, .hearing])) }),
        FollowUpQuestion(
            field: SexualDiversitySection.Field.identity, parent: SexualDiversitySection.Field.isLGBTTTIQ,
            setParent: { $0.sexualDiversity.isLGBTTTIQ = $1 },
            set: { $0.sexualDiversity.identity = value($1, Choice(.other, otherText: "Dos espíritus")) }),
        FollowUpQuestion(
            field: MigrantSection.Field.country, parent: MigrantSection.Field.isMigrant,
            setParent: { $0.migrant.isMigrant = $1 },
            set: { $0.migrant.countryOfResidence = value($1, .entry(key: "CAN")) }),
        FollowUpQuestion(
            field: MigrantSection.Field.timeAbroad, parent: MigrantSection.Field.isMigrant,
            setParent: { $0.migrant.isMigrant = $1 },
            set: { $0.migrant.timeAbroad = value($1, Choice(.moreThanFifteenYears)) }),
        FollowUpQuestion(
            field: MigrantSection.Field.reason, parent: MigrantSection.Field.isMigrant,
            setParent: { $0.migrant.isMigrant = $1 },
            set: { $0.migrant.reason = value($1, Choice(.other, otherText: "Asilo")) }),
        FollowUpQuestion(
            field: MigrantSection.Field.regularPlacement, parent: MigrantSection.Field.isMigrant,
            setParent: { $0.migrant.isMigrant = $1 },
            set: { $0.migrant.hadRegularPlacement = value($1, .preferNotToAnswer) }),
    ]
}

@Suite("Identity questionnaire")
struct IdentityQuestionnaireTests {
    func report(_ questionnaire: IdentityQuestionnaire) -> CompletenessReport {
        questionnaire.completeness(catalogs: Factories.catalogs)
    }

    @Test func completeQuestionnairesPass() {
        #expect(report(Factories.allYesIdentity()).isComplete, "\(report(Factories.allYesIdentity()).issues)")
        #expect(report(Factories.allNoIdentity()).isComplete, "\(report(Factories.allNoIdentity()).issues)")
    }

    @Test("Every question must be answered; follow-ups of unanswered questions are not")
    func emptyQuestionnaire() {
        let result = report(IdentityQuestionnaire())
        #expect(
            result.fields == [
                "identity.indigenous.identifies", "identity.indigenous.speaks_language", "identity.disability.has_disability",
                "identity.afromexican.identifies", "identity.sexual_diversity.identifies", "identity.migrant.is_migrant",
                "identity.youth.identifies", "identity.older_person.identifies", "identity.socioeconomic.income_bracket",
                "identity.socioeconomic.income_source", "identity.general.state_of_birth",
            ])
        #expect(result.issues.allSatisfy { $0.code == .missing && $0.message.contains("Prefiero no contestar") })
    }

    @Test("Prefer not to answer is an answer everywhere")
    func preferNotToAnswerEverywhere() {
        let questionnaire = IdentityQuestionnaire(
            indigenous: IndigenousSection(identifiesAsIndigenous: .preferNotToAnswer, speaksIndigenousLanguage: .preferNotToAnswer),
            disability: DisabilitySection(hasDisability: .preferNotToAnswer),
            afroMexican: .preferNotToAnswer,
            sexualDiversity: SexualDiversitySection(isLGBTTTIQ: .preferNotToAnswer),
            migrant: MigrantSection(isMigrant: .preferNotToAnswer),
            youth: .preferNotToAnswer, olderPerson: .preferNotToAnswer,
            socioeconomic: SocioeconomicSection(incomeBracket: Choice(.preferNotToAnswer), incomeSource: Choice(.preferNotToAnswer)),
            stateOfBirth: .preferNotToAnswer
        ).normalized()
        #expect(report(questionnaire).isComplete)
        #expect(questionnaire.migrant.timeAbroad == .notApplicable)
        #expect(questionnaire.disability.types == .notApplicable)
    }

    @Test("Follow-up branches", arguments: FollowUpQuestion.all, [YesNoAnswer?.some(.yes), .no, .preferNotToAnswer, nil])
    func followUpBranches(question: FollowUpQuestion, parent: YesNoAnswer?) {
        for state in FollowUpQuestion.State.allCases {
            var questionnaire = Factories.allYesIdentity()
            if parent != .yes {
                // Siblings of the follow-up become "No aplica", as a form would leave them.
                question.setParent(&questionnaire, .no)
                questionnaire = questionnaire.normalized()
                question.setParent(&questionnaire, parent)
            }
            question.set(&questionnaire, state)
            let result = report(questionnaire)

            let expected: FieldIssue.Code? =
                switch (parent, state) {
                case (.yes?, .unanswered), (.yes?, .notApplicable): .missing
                case (.yes?, .answered), (nil, .answered): nil
                case (_, .answered): .notApplicableExpected
                default: nil
                }
            #expect(result.issues(for: question.field.id).map(\.code) == (expected.map { [$0] } ?? []), "\(state)")
            // Only the parent (when unanswered) and this follow-up may be flagged.
            let others = result.fields.filter { $0 != question.field.id && $0 != question.parent.id }
            #expect(others.isEmpty, "\(state): \(others)")
            #expect(result.issues(for: question.parent.id).isEmpty == (parent != nil))
        }
    }

    @Test("Messages for follow-ups")
    func followUpMessages() {
        var questionnaire = Factories.allNoIdentity()
        questionnaire.migrant.timeAbroad = .answered(Choice(.upToFiveYears))
        questionnaire.disability = DisabilitySection(
            hasDisability: .yes, duration: .notApplicable,
            types: .answered(MultipleChoice([.mental])), difficulties: .answered(MultipleChoice([.learning])))
        let result = report(questionnaire)
        #expect(
            result.issues(for: "identity.migrant.time_abroad").first?.message
                == "Esta pregunta solo aplica si respondió «Sí» a la anterior; debe quedar como «No aplica».")
        #expect(
            result.issues(for: "identity.disability.duration").first?.message
                == "Responda esta pregunta, porque respondió «Sí» a la anterior; puede elegir «Prefiero no contestar».")
    }

    @Test(
        "Other/Otra requires its text, and text requires Other/Otra",
        arguments: [
            ("identity.indigenous.people", FieldIssue.Code?.some(.otherTextMissing)),
            ("identity.disability.types", .otherTextMissing),
            ("identity.disability.difficulties", .otherTextUnexpected),
            ("identity.sexual_diversity.identity", .otherTextMissing),
            ("identity.migrant.reason", .otherTextUnexpected),
        ])
    func otherText(field: String, expected: FieldIssue.Code?) {
        var questionnaire = Factories.allYesIdentity()
        switch field {
        case "identity.indigenous.people": questionnaire.indigenous.people = .answered(.other(text: " \u{00A0}"))
        case "identity.disability.types": questionnaire.disability.types = .answered(MultipleChoice([.physical, .other]))
        case "identity.disability.difficulties": questionnaire.disability.difficulties = .answered(MultipleChoice([.walking], otherText: "Correr"))
        case "identity.sexual_diversity.identity": questionnaire.sexualDiversity.identity = .answered(Choice(.other, otherText: ""))
        default: questionnaire.migrant.reason = .answered(Choice(.family, otherText: "Boda"))
        }
        let result = report(questionnaire)
        #expect(result.fields == [field])
        #expect(result.issues.first?.code == expected)
    }

    @Test("Other/Otra with its text is valid")
    func otherWithText() {
        var questionnaire = Factories.allYesIdentity()
        questionnaire.indigenous.people = .answered(.other(text: "Coca"))
        questionnaire.disability.types = .answered(MultipleChoice([.physical, .other], otherText: "Psicosocial"))
        questionnaire.disability.difficulties = .answered(MultipleChoice([.other], otherText: "Correr"))
        questionnaire.sexualDiversity.identity = .answered(Choice(.other, otherText: "Dos espíritus"))
        questionnaire.migrant.reason = .answered(Choice(.other, otherText: "Asilo"))
        #expect(report(questionnaire).isComplete)
        // An empty text next to a non-"Otro" option is what forms send: not an error.
        questionnaire.migrant.reason = .answered(Choice(.family, otherText: ""))
        #expect(report(questionnaire).isComplete)
    }

    @Test("Multiple choices: at least one, and prefer-not-to-answer alone")
    func multipleChoices() {
        var questionnaire = Factories.allYesIdentity()
        questionnaire.disability.types = .answered(MultipleChoice([]))
        questionnaire.disability.difficulties = .answered(MultipleChoice([.walking, .preferNotToAnswer]))
        let result = report(questionnaire)
        #expect(result.issues(for: "identity.disability.types").map(\.code) == [.missing])
        #expect(result.issues(for: "identity.disability.difficulties").map(\.code) == [.conflictingOptions])
        questionnaire.disability.difficulties = .answered(MultipleChoice([.preferNotToAnswer]))
        #expect(report(questionnaire).fields == ["identity.disability.types"])
    }

    @Test("Catalog answers are checked against the catalogs passed in")
    func catalogAnswers() {
        var questionnaire = Factories.allYesIdentity()
        questionnaire.indigenous.people = .answered(.entry(key: "99"))
        questionnaire.migrant.countryOfResidence = .answered(.entry(key: "MEX"))
        questionnaire.stateOfBirth = .entry(key: "33")
        var result = report(questionnaire)
        #expect(result.fields == ["identity.indigenous.people", "identity.migrant.country_of_residence", "identity.general.state_of_birth"])
        #expect(result.issues.allSatisfy { $0.code == .notInCatalog })
        #expect(result.issues.first?.message == "La opción elegida no está en el catálogo de pueblos indígenas.")

        questionnaire = Factories.allYesIdentity()
        questionnaire.migrant.countryOfResidence = .answered(.other(text: "Narnia"))
        questionnaire.stateOfBirth = .other(text: "Extranjero")
        result = report(questionnaire)
        #expect(result.fields == ["identity.migrant.country_of_residence", "identity.general.state_of_birth"])
        #expect(result.issues.allSatisfy { $0.code == .invalid })

        questionnaire = Factories.allYesIdentity()
        questionnaire.migrant.countryOfResidence = .answered(.preferNotToAnswer)
        questionnaire.indigenous.people = .answered(.preferNotToAnswer)
        #expect(report(questionnaire).isComplete)
    }

    @Test("The language question is asked of everybody, not only of indigenous persons")
    func languageIsNotAFollowUp() {
        var questionnaire = Factories.allNoIdentity()
        questionnaire.indigenous.speaksIndigenousLanguage = .yes
        #expect(report(questionnaire).isComplete)
        questionnaire.indigenous.speaksIndigenousLanguage = nil
        #expect(report(questionnaire).fields == ["identity.indigenous.speaks_language"])
    }

    @Test("Every option list offers prefer-not-to-answer and keeps the questionnaire's options")
    func optionLists() {
        func check<O: ChoiceOption>(_ type: O.Type, count: Int, others: Int) {
            #expect(O.allCases.count == count, "\(O.self)")
            #expect(O.allCases.filter(\.isPreferNotToAnswer).count == 1, "\(O.self)")
            #expect(O.allCases.filter(\.asksForText).count == others, "\(O.self)")
            #expect(Set(O.allCases.map(\.rawValue)).count == count, "\(O.self)")
        }
        check(DisabilitySection.Duration.self, count: 3, others: 0)
        check(DisabilitySection.Kind.self, count: 6, others: 1)
        check(DisabilitySection.Difficulty.self, count: 9, others: 1)
        check(SexualDiversitySection.Identity.self, count: 10, others: 1)
        check(MigrantSection.TimeAbroad.self, count: 4, others: 0)
        check(MigrantSection.Reason.self, count: 5, others: 1)
        check(SocioeconomicSection.IncomeBracket.self, count: 8, others: 0)
        check(SocioeconomicSection.IncomeSource.self, count: 6, others: 0)
    }

    @Test func normalizedOnlyTouchesFollowUpsOfNonYesAnswers() {
        var questionnaire = Factories.allYesIdentity()
        #expect(questionnaire.normalized() == questionnaire)
        questionnaire.sexualDiversity.isLGBTTTIQ = .no
        let normalized = questionnaire.normalized()
        #expect(normalized.sexualDiversity.identity == .notApplicable)
        #expect(normalized.migrant == questionnaire.migrant)
    }

    @Test func codableRoundTripAndStoredForm() throws {
        for questionnaire in [Factories.allYesIdentity(), Factories.allNoIdentity(), IdentityQuestionnaire()] {
            let data = try JSONEncoder().encode(questionnaire)
            #expect(try JSONDecoder().decode(IdentityQuestionnaire.self, from: data) == questionnaire)
        }
        let json = String(decoding: try JSONEncoder().encode(Factories.allNoIdentity()), as: UTF8.self)
        #expect(json.contains(#""no_aplica""#))
        #expect(json.contains(#""prefer_not_to_answer":true"#))
    }

    @Test func groupsIdentifiedWith() {
        #expect(Factories.allYesIdentity().groupsIdentifiedWith == [.indigenous, .disability, .afroMexican, .sexualDiversity, .migrant, .youth])
        #expect(Factories.allNoIdentity().groupsIdentifiedWith.isEmpty)
    }
}
