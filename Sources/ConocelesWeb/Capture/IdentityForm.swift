import ConocelesCore
import ConocelesJobs
import Foundation

/// The identity form as posted (`/candidaturas/{id}/identidad`). Every follow-up is on the
/// page (it works without JavaScript); `questionnaire()` keeps a follow-up only when its
/// question was answered "Sí" and drops it otherwise, whatever was posted.
struct IdentityForm: Decodable {
    var indigenous: String?
    var indigenousLanguage: String?
    var indigenousPeople: String?
    var indigenousPeopleOther: String?
    var disability: String?
    var disabilityDuration: String?
    var disabilityTypes: [String]?
    var disabilityTypesOther: String?
    var disabilityDifficulties: [String]?
    var disabilityDifficultiesOther: String?
    var afroMexican: String?
    var lgbt: String?
    var lgbtIdentity: String?
    var lgbtIdentityOther: String?
    var migrant: String?
    var migrantCountry: String?
    var migrantTime: String?
    var migrantReason: String?
    var migrantReasonOther: String?
    var migrantRegularPlacement: String?
    var youth: String?
    var olderPerson: String?
    var income: String?
    var incomeSource: String?
    var stateOfBirth: String?
    /// The revision the form was read at ("0" before the first save); absent from forms that
    /// predate it (then no conflict check).
    var revision: String?

    enum CodingKeys: String, CodingKey {
        case revision
        case indigenous = "indigena"
        case indigenousLanguage = "lengua_indigena"
        case indigenousPeople = "pueblo_indigena"
        case indigenousPeopleOther = "pueblo_indigena_otro"
        case disability = "discapacidad"
        case disabilityDuration = "discapacidad_temporalidad"
        case disabilityTypes = "discapacidad_tipos"
        case disabilityTypesOther = "discapacidad_tipos_otra"
        case disabilityDifficulties = "discapacidad_dificultades"
        case disabilityDifficultiesOther = "discapacidad_dificultades_otra"
        case afroMexican = "afromexicana"
        case lgbt
        case lgbtIdentity = "lgbt_identidad"
        case lgbtIdentityOther = "lgbt_identidad_otra"
        case migrant = "migrante"
        case migrantCountry = "migrante_pais"
        case migrantTime = "migrante_tiempo"
        case migrantReason = "migrante_motivo"
        case migrantReasonOther = "migrante_motivo_otro"
        case migrantRegularPlacement = "migrante_situacion_regular"
        case youth = "joven"
        case olderPerson = "persona_mayor"
        case income = "ingresos"
        case incomeSource = "fuente_ingresos"
        case stateOfBirth = "entidad_nacimiento"
    }

    /// The select value of "Otro" in catalog questions (catalog keys are digits or ISO codes).
    static let otherValue = "otro"
    /// The select value of "Prefiero no contestar" in catalog questions.
    static let preferNotToAnswerValue = YesNoAnswer.preferNotToAnswer.rawValue

    /// The answers, normalized: follow-ups of a "No" or "Prefiero no contestar" are "No
    /// aplica" (`droppedFollowUps` names those that had an answer), follow-ups of a "Sí" or
    /// of a question not answered yet are kept as given (a draft keeps them with their
    /// question until it is answered).
    func questionnaire() -> IdentityQuestionnaire {
        let identifies = Self.yesNo(indigenous)
        let hasDisability = Self.yesNo(disability)
        let isLGBT = Self.yesNo(lgbt)
        let isMigrant = Self.yesNo(migrant)
        return IdentityQuestionnaire(
            indigenous: IndigenousSection(
                identifiesAsIndigenous: identifies, speaksIndigenousLanguage: Self.yesNo(indigenousLanguage),
                people: Self.followUp(identifies, Self.catalog(indigenousPeople, other: indigenousPeopleOther, allowsOther: true))),
            disability: DisabilitySection(
                hasDisability: hasDisability,
                duration: Self.followUp(hasDisability, Self.choice(disabilityDuration, other: nil)),
                types: Self.followUp(hasDisability, Self.multiple(disabilityTypes, other: disabilityTypesOther)),
                difficulties: Self.followUp(hasDisability, Self.multiple(disabilityDifficulties, other: disabilityDifficultiesOther))),
            afroMexican: Self.yesNo(afroMexican),
            sexualDiversity: SexualDiversitySection(
                isLGBTTTIQ: isLGBT, identity: Self.followUp(isLGBT, Self.choice(lgbtIdentity, other: lgbtIdentityOther))),
            migrant: MigrantSection(
                isMigrant: isMigrant,
                countryOfResidence: Self.followUp(isMigrant, Self.catalog(migrantCountry, other: nil, allowsOther: false)),
                timeAbroad: Self.followUp(isMigrant, Self.choice(migrantTime, other: nil)),
                reason: Self.followUp(isMigrant, Self.choice(migrantReason, other: migrantReasonOther)),
                hadRegularPlacement: Self.followUp(isMigrant, Self.yesNo(migrantRegularPlacement))),
            youth: Self.yesNo(youth),
            olderPerson: Self.yesNo(olderPerson),
            socioeconomic: SocioeconomicSection(
                incomeBracket: Self.choice(income, other: nil),
                incomeSource: Self.choice(incomeSource, other: nil)),
            stateOfBirth: Self.catalog(stateOfBirth, other: nil, allowsOther: false)
        ).normalized()
    }

    static func yesNo(_ value: String?) -> YesNoAnswer? { value.flatMap(YesNoAnswer.init(rawValue:)) }

    /// A follow-up's answer, kept after "Sí" or an unanswered question ("No aplica" after
    /// anything else, set by `normalized()`).
    static func followUp<Answer>(_ parent: YesNoAnswer?, _ answer: Answer?) -> FollowUp<Answer>? {
        parent == .yes || parent == nil ? answer.map { FollowUp<Answer>.answered($0) } : nil
    }

    /// The questions whose "No" or "Prefiero no contestar" left follow-ups answered in this
    /// form without effect (they are "No aplica"), to say so instead of dropping them silently.
    var droppedFollowUps: [FormField] {
        func given(_ values: String?...) -> Bool { values.contains { !($0 ?? "").isEmpty } }
        func answered(_ parent: String?) -> Bool {
            let answer = Self.yesNo(parent)
            return answer != nil && answer != .yes
        }
        var fields: [FormField] = []
        if answered(indigenous), given(indigenousPeople, indigenousPeopleOther) { fields.append(IndigenousSection.Field.identifies) }
        if answered(disability),
            given(disabilityDuration, disabilityTypesOther, disabilityDifficultiesOther)
                || !(disabilityTypes ?? []).isEmpty || !(disabilityDifficulties ?? []).isEmpty
        {
            fields.append(DisabilitySection.Field.hasDisability)
        }
        if answered(lgbt), given(lgbtIdentity, lgbtIdentityOther) { fields.append(SexualDiversitySection.Field.isLGBTTTIQ) }
        if answered(migrant), given(migrantCountry, migrantTime, migrantReason, migrantReasonOther, migrantRegularPlacement) {
            fields.append(MigrantSection.Field.isMigrant)
        }
        return fields
    }

    static func choice<Option: ChoiceOption>(_ value: String?, other: String?) -> Choice<Option>? {
        guard let value, let option = Option(rawValue: value) else { return nil }
        return Choice(option, otherText: option.asksForText ? CurricularForm.optional(other) : nil)
    }

    static func multiple<Option: ChoiceOption>(_ values: [String]?, other: String?) -> MultipleChoice<Option>? {
        let options = (values ?? []).compactMap(Option.init(rawValue:))
        guard !options.isEmpty else { return nil }
        return MultipleChoice(options, otherText: options.contains(where: \.asksForText) ? CurricularForm.optional(other) : nil)
    }

    static func catalog(_ value: String?, other: String?, allowsOther: Bool) -> CatalogAnswer? {
        guard let value, !value.isEmpty else { return nil }
        return switch value {
        case preferNotToAnswerValue: .preferNotToAnswer
        case otherValue where allowsOther: .other(text: CurricularForm.optional(other) ?? "")
        default: .entry(key: value)
        }
    }
}

/// What the identity page shows: every section, its questions and follow-ups.
struct IdentityView {
    let csrf: String
    let action: String
    let status: StatusView
    let readOnly: Bool
    /// Revision, last save, the boxes above the form.
    let state: FormState
    /// The answers to complete or correct (`draftIssues`), each linked to its question.
    let invalidIssues: [IssueView]
    let hasInvalid: Bool
    let sections: [SectionView]
    /// Staff's observations on the questionnaire from the latest return.
    let staffNotes: [String]

    init(answers: IdentityQuestionnaire, profile: ProfileCaptureState, catalogs: Catalogs, csrf: String, state: FormState) {
        let issues = answers.draftIssues(catalogs: catalogs).issues
        let messages = issues.messagesByField
        self.csrf = csrf
        action = "/candidaturas/\(profile.candidacy.id)/identidad"
        status = StatusView(profile)
        readOnly = !profile.isEditable
        self.state = state
        invalidIssues = issues.map { IssueView(label: $0.label, message: $0.message, href: Self.elementID(for: $0.field).map { "#" + $0 }) }
        hasInvalid = !issues.isEmpty
        staffNotes = state.staffNotes[FieldNotes.identity] ?? []
        let q = QuestionBuilder(messages: messages)
        let a = answers
        sections = [
            SectionView(
                title: "Autoadscripción indígena",
                questions: [
                    q.yesNo("indigena", IndigenousSection.Field.identifies, a.indigenous.identifiesAsIndigenous),
                    q.yesNo("lengua_indigena", IndigenousSection.Field.speaksLanguage, a.indigenous.speaksIndigenousLanguage),
                ],
                followUps: FollowUpsView(
                    legend: Self.legend(IndigenousSection.Field.identifies),
                    questions: [
                        q.catalog(
                            "pueblo_indigena", IndigenousSection.Field.people, catalogs.indigenousPeoples, a.indigenous.people?.answer,
                            otherID: "pueblo_indigena_otro")
                    ])),
            SectionView(
                title: "Población con discapacidad",
                questions: [
                    q.yesNo("discapacidad", DisabilitySection.Field.hasDisability, a.disability.hasDisability)
                ],
                followUps: FollowUpsView(
                    legend: Self.legend(DisabilitySection.Field.hasDisability),
                    questions: [
                        q.choice("discapacidad_temporalidad", DisabilitySection.Field.duration, a.disability.duration?.answer),
                        q.multiple("discapacidad_tipos", DisabilitySection.Field.types, a.disability.types?.answer),
                        q.multiple("discapacidad_dificultades", DisabilitySection.Field.difficulties, a.disability.difficulties?.answer),
                    ], note: Self.sensoryNote)),
            SectionView(
                title: "Población afromexicana",
                questions: [
                    q.yesNo("afromexicana", IdentityQuestionnaire.Field.afroMexican, a.afroMexican)
                ], followUps: nil),
            SectionView(
                title: "Diversidad sexual",
                questions: [
                    q.yesNo("lgbt", SexualDiversitySection.Field.isLGBTTTIQ, a.sexualDiversity.isLGBTTTIQ, label: Self.lgbtQuestion)
                ],
                followUps: FollowUpsView(
                    legend: Self.legend(SexualDiversitySection.Field.isLGBTTTIQ),
                    questions: [
                        q.choice("lgbt_identidad", SexualDiversitySection.Field.identity, a.sexualDiversity.identity?.answer)
                    ])),
            SectionView(
                title: "Personas mexicanas migrantes",
                questions: [
                    q.yesNo("migrante", MigrantSection.Field.isMigrant, a.migrant.isMigrant)
                ],
                followUps: FollowUpsView(
                    legend: Self.legend(MigrantSection.Field.isMigrant),
                    questions: [
                        q.catalog(
                            "migrante_pais", MigrantSection.Field.country, catalogs.countries, a.migrant.countryOfResidence?.answer,
                            otherID: nil),
                        q.choice("migrante_tiempo", MigrantSection.Field.timeAbroad, a.migrant.timeAbroad?.answer),
                        q.choice("migrante_motivo", MigrantSection.Field.reason, a.migrant.reason?.answer, otherID: "migrante_motivo_otro"),
                        q.yesNo("migrante_situacion_regular", MigrantSection.Field.regularPlacement, a.migrant.hadRegularPlacement?.answer),
                    ])),
            SectionView(
                title: "Población joven y personas mayores",
                questions: [
                    q.yesNo("joven", IdentityQuestionnaire.Field.youth, a.youth, label: "¿Es parte de la población joven (de 21 a 29 años)?"),
                    q.yesNo(
                        "persona_mayor", IdentityQuestionnaire.Field.olderPerson, a.olderPerson,
                        label: "¿Es parte de la población de personas mayores (60 años o más)?"),
                ], followUps: nil),
            SectionView(
                title: "Rubro socioeconómico",
                questions: [
                    q.choice("ingresos", SocioeconomicSection.Field.incomeBracket, a.socioeconomic.incomeBracket),
                    q.choice("fuente_ingresos", SocioeconomicSection.Field.incomeSource, a.socioeconomic.incomeSource),
                ], followUps: nil),
            SectionView(
                title: "Datos generales",
                questions: [
                    q.catalog("entidad_nacimiento", IdentityQuestionnaire.Field.stateOfBirth, catalogs.states, a.stateOfBirth, otherID: nil)
                ], followUps: nil),
        ]
    }

    /// The plan's question with the expansion of the acronym.
    static let lgbtQuestion =
        "¿Es usted una persona de la población LGBTTTIQ+ (Lesbiana, Gay, Bisexual, Transgénero, Travesti, "
        + "Transexual, Intersexual, Queer, No Binaria, u otra)?"
    /// The plan's explanation of the "Sensorial" type of disability.
    static let sensoryNote =
        "Discapacidad sensorial: incluye la deficiencia estructural o funcional de los órganos de la audición, "
        + "la visión, el olfato, el tacto y el gusto."

    static func legend(_ trigger: FormField) -> String {
        "Responda solo si contestó «Sí» a «\(trigger.label)»"
    }

    /// The element id of the domain field `fieldID`, or nil when the form has no such field.
    static func elementID(for fieldID: String) -> String? { elementIDs[fieldID] }

    /// Every question of the form, follow-ups included, in form order.
    var questions: [QuestionView] {
        sections.flatMap { $0.questions + ($0.followUps?.questions ?? []) }
    }

    /// `body` (a posted form) with the answers of the questions whose id is in `keepingSaved`
    /// replaced by those this view shows (the saved answers): the choices of a conflict page.
    func replacing(_ keepingSaved: Set<String>, in body: String) -> String {
        let chosen = questions.filter { keepingSaved.contains($0.id) }
        guard !chosen.isEmpty else { return body }
        let names = Set(chosen.flatMap { [$0.name] + ($0.other.map { [$0.name] } ?? []) })
        var pairs = body.split(separator: "&").filter { pair in
            let name = String(pair.split(separator: "=", maxSplits: 1).first ?? "").removingPercentEncoding ?? ""
            return !names.contains(name)
        }.map(String.init)
        for question in chosen {
            var answers = question.options.filter { $0.selected && !$0.value.isEmpty }.map { (question.name, $0.value) }
            if let other = question.other, !other.value.isEmpty { answers.append((other.name, other.value)) }
            pairs += answers.map { Self.encoded($0.0) + "=" + Self.encoded($0.1) }
        }
        return pairs.joined(separator: "&")
    }

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.*"))) ?? ""
    }

    /// The questions answered differently in `mine` and `saved` (same candidacy), in form
    /// order, each with both answers as the page words them.
    static func differences(_ mine: IdentityView, _ saved: IdentityView) -> [(id: String, label: String, mine: String, saved: String)] {
        func questions(_ view: IdentityView) -> [QuestionView] { view.questions }
        func answer(_ question: QuestionView) -> String {
            let chosen = question.options.filter { $0.selected && !$0.value.isEmpty }.map(\.label)
            let other = question.other.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
            let text = (chosen + (other.map { ["«\($0)»"] } ?? [])).joined(separator: ", ")
            return text.isEmpty ? "(sin responder)" : text
        }
        return zip(questions(mine), questions(saved)).compactMap { typed, stored in
            let (a, b) = (answer(typed), answer(stored))
            return a == b ? nil : (id: typed.id, label: typed.label, mine: a, saved: b)
        }
    }

    static let elementIDs: [String: String] = [
        IndigenousSection.Field.identifies.id: "indigena",
        IndigenousSection.Field.speaksLanguage.id: "lengua_indigena",
        IndigenousSection.Field.people.id: "pueblo_indigena",
        DisabilitySection.Field.hasDisability.id: "discapacidad",
        DisabilitySection.Field.duration.id: "discapacidad_temporalidad",
        DisabilitySection.Field.types.id: "discapacidad_tipos",
        DisabilitySection.Field.difficulties.id: "discapacidad_dificultades",
        IdentityQuestionnaire.Field.afroMexican.id: "afromexicana",
        SexualDiversitySection.Field.isLGBTTTIQ.id: "lgbt",
        SexualDiversitySection.Field.identity.id: "lgbt_identidad",
        MigrantSection.Field.isMigrant.id: "migrante",
        MigrantSection.Field.country.id: "migrante_pais",
        MigrantSection.Field.timeAbroad.id: "migrante_tiempo",
        MigrantSection.Field.reason.id: "migrante_motivo",
        MigrantSection.Field.regularPlacement.id: "migrante_situacion_regular",
        IdentityQuestionnaire.Field.youth.id: "joven",
        IdentityQuestionnaire.Field.olderPerson.id: "persona_mayor",
        SocioeconomicSection.Field.incomeBracket.id: "ingresos",
        SocioeconomicSection.Field.incomeSource.id: "fuente_ingresos",
        IdentityQuestionnaire.Field.stateOfBirth.id: "entidad_nacimiento",
    ]
}

/// Builds the question views of the identity form with their errors.
private struct QuestionBuilder {
    let messages: [String: String]

    func yesNo(_ id: String, _ field: FormField, _ answer: YesNoAnswer?, label: String? = nil) -> QuestionView {
        radios(id, field, label: label, options: YesNoAnswer.allCases.map { ($0.rawValue, $0.label, $0 == answer) }, other: nil)
    }

    func choice<Option: ChoiceOption>(_ id: String, _ field: FormField, _ answer: Choice<Option>?, otherID: String? = nil) -> QuestionView {
        let other =
            Option.allCases.contains(where: \.asksForText)
            ? InputView(id: otherID ?? "\(id)_otra", label: "Si eligió «Otro/Otra», escriba cuál", value: answer?.otherText ?? "")
            : nil
        return radios(id, field, label: nil, options: Option.allCases.map { ($0.rawValue, $0.label, $0 == answer?.option) }, other: other)
    }

    func multiple<Option: ChoiceOption>(_ id: String, _ field: FormField, _ answer: MultipleChoice<Option>?) -> QuestionView {
        let chosen = Set(answer?.options ?? [])
        let error = messages[field.id]
        return QuestionView(
            id: id, name: "\(id)[]", label: field.label + " (puede elegir varias)",
            options: Option.allCases.map { OptionView(id: "\(id)-\($0.rawValue)", value: $0.rawValue, label: $0.label, selected: chosen.contains($0)) },
            error: error, radio: false, checkbox: true, select: false,
            other: InputView(id: "\(id)_otra", label: "Si eligió «Otra», escriba cuál", value: answer?.otherText ?? ""),
            errorID: error.map { _ in "\(id)-error" })
    }

    func catalog(_ id: String, _ field: FormField, _ catalog: Catalog, _ answer: CatalogAnswer?, otherID: String?) -> QuestionView {
        let chosenKey: String? =
            switch answer {
            case .entry(let key)?: key
            case .other?: IdentityForm.otherValue
            case .preferNotToAnswer?: IdentityForm.preferNotToAnswerValue
            case nil: nil
            }
        var options = [OptionView(id: "", value: "", label: "Elija una opción", selected: chosenKey == nil)]
        options += catalog.entries.map { OptionView(id: "", value: $0.key, label: $0.name, selected: $0.key == chosenKey) }
        if otherID != nil {
            options.append(OptionView(id: "", value: IdentityForm.otherValue, label: "Otro", selected: chosenKey == IdentityForm.otherValue))
        }
        options.append(
            OptionView(
                id: "", value: IdentityForm.preferNotToAnswerValue, label: "Prefiero no contestar",
                selected: chosenKey == IdentityForm.preferNotToAnswerValue))
        var otherText = ""
        if case .other(let text)? = answer { otherText = text }
        let error = messages[field.id]
        return QuestionView(
            id: id, name: id, label: field.label, options: options, error: error, radio: false, checkbox: false, select: true,
            other: otherID.map { InputView(id: $0, label: "Si eligió «Otro», escriba cuál", value: otherText) },
            errorID: error.map { _ in "\(id)-error" })
    }

    private func radios(_ id: String, _ field: FormField, label: String?, options: [(String, String, Bool)], other: InputView?) -> QuestionView {
        let error = messages[field.id]
        return QuestionView(
            id: id, name: id, label: label ?? field.label,
            options: options.map { OptionView(id: "\(id)-\($0.0)", value: $0.0, label: $0.1, selected: $0.2) },
            error: error, radio: true, checkbox: false, select: false, other: other, errorID: error.map { _ in "\(id)-error" })
    }
}
