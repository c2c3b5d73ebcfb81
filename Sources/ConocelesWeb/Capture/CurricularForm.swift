import ConocelesCore
import ConocelesJobs

/// The curricular form as posted (`/candidaturas/{id}/curricular`). Repeated entries
/// (e-mails, phones, addresses, other training) come as `name[]`; blank ones are dropped.
struct CurricularForm: Decodable {
    var facebook: String?
    var twitter: String?
    var youtube: String?
    var instagram: String?
    var tiktok: String?
    var webPage: String?
    var emails: [String]?
    var phones: [String]?
    var addresses: [String]?
    var degree: String?
    var degreeStatus: String?
    var training: [String]?
    /// The long texts (`CurricularField.texts`), by form name.
    var texts: [String: String] = [:]
    var authorization: String?
    /// The revision the form was read at ("0" before the first save); absent from forms that
    /// predate it (then no conflict check).
    var revision: String?
    /// The fingerprints of the parts as read (`CurricularPart.fingerprints`).
    var fingerprints: String?

    enum CodingKeys: String, CodingKey {
        case revision, fingerprints = "huellas"
        case facebook, twitter, youtube, instagram, tiktok
        case webPage = "pagina_web"
        case emails = "correos"
        case phones = "telefonos"
        case addresses = "domicilios"
        case degree = "grado"
        case degreeStatus = "estatus_grado"
        case training = "formacion"
        case authorization = "autoriza_publicacion"
    }

    /// A form control named at run time (the long texts' names come from `CurricularField`).
    struct NamedKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        revision = try c.decodeIfPresent(String.self, forKey: .revision)
        fingerprints = try c.decodeIfPresent(String.self, forKey: .fingerprints)
        facebook = try c.decodeIfPresent(String.self, forKey: .facebook)
        twitter = try c.decodeIfPresent(String.self, forKey: .twitter)
        youtube = try c.decodeIfPresent(String.self, forKey: .youtube)
        instagram = try c.decodeIfPresent(String.self, forKey: .instagram)
        tiktok = try c.decodeIfPresent(String.self, forKey: .tiktok)
        webPage = try c.decodeIfPresent(String.self, forKey: .webPage)
        emails = try c.decodeIfPresent([String].self, forKey: .emails)
        phones = try c.decodeIfPresent([String].self, forKey: .phones)
        addresses = try c.decodeIfPresent([String].self, forKey: .addresses)
        degree = try c.decodeIfPresent(String.self, forKey: .degree)
        degreeStatus = try c.decodeIfPresent(String.self, forKey: .degreeStatus)
        training = try c.decodeIfPresent([String].self, forKey: .training)
        authorization = try c.decodeIfPresent(String.self, forKey: .authorization)
        let named = try decoder.container(keyedBy: NamedKey.self)
        for name in CurricularField.texts.compactMap(\.formName) {
            texts[name] = try named.decodeIfPresent(String.self, forKey: NamedKey(stringValue: name))
        }
    }

    /// The answers of this form on top of `saved`, with the contact in its canonical form
    /// (`PublicContact.normalized`), and what that rewrote.
    func normalizedQuestionnaire(keeping saved: CurricularQuestionnaire) -> (CurricularQuestionnaire, [PublicContact.Adjustment]) {
        var answers = questionnaire(keeping: saved)
        let (contact, adjustments) = answers.contact.normalized()
        answers.contact = contact
        return (answers, adjustments)
    }

    /// The answers of this form on top of `saved` (whose photo, captured elsewhere, is kept).
    func questionnaire(keeping saved: CurricularQuestionnaire) -> CurricularQuestionnaire {
        var answers = saved
        answers.contact = PublicContact(
            facebook: Self.optional(facebook), twitter: Self.optional(twitter), youtube: Self.optional(youtube),
            instagram: Self.optional(instagram), tiktok: Self.optional(tiktok), webPage: Self.optional(webPage),
            emails: Self.entries(emails), phones: Self.entries(phones), campaignHouseAddresses: Self.entries(addresses))
        answers.maximumDegree = Self.optional(degree)
        answers.degreeStatus = Self.optional(degreeStatus)
        answers.otherTraining = Self.entries(training)
        for entry in CurricularField.texts {
            guard let text = entry.text, let name = entry.formName else { continue }
            answers[keyPath: text.answer] = Self.text(texts[name])
        }
        answers.publicationAuthorization =
            switch authorization {
            case "si"?: true
            case "no"?: false
            default: nil
            }
        return answers
    }

    /// A text as typed, with the browser's CR LF line breaks as LF and no surrounding white space.
    static func text(_ value: String?) -> String {
        (value ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmedOfWhiteSpace
    }

    static func optional(_ value: String?) -> String? {
        let text = text(value)
        return text.isEmpty ? nil : text
    }

    static func entries(_ values: [String]?) -> [String] {
        (values ?? []).map(text).filter { !$0.isEmpty }
    }

    // MARK: Element ids

    /// The element id of each single field, by the domain's field identifier.
    static let elementIDs: [String: String] = {
        var ids: [String: String] = [:]
        for entry in CurricularField.all where !entry.isRepeated {
            if let name = entry.formName { ids[entry.field.id] = name }
        }
        return ids
    }()

    /// Repeated fields: the domain identifier's prefix and the element ids' base.
    static let repeatedElementIDs: [(prefix: String, base: String)] = CurricularField.all.filter(\.isRepeated).compactMap { entry in
        entry.formName.map { (String(entry.field.id.prefix { $0 != "[" }) + "[", $0) }
    }

    /// The element id of the domain field `fieldID` (`correos-1` for the second e-mail),
    /// or nil when the form has no such field (the photo).
    static func elementID(for fieldID: String) -> String? {
        if let id = elementIDs[fieldID] { return id }
        for (prefix, base) in repeatedElementIDs where fieldID.hasPrefix(prefix) && fieldID.hasSuffix("]") {
            guard let index = Int(fieldID.dropFirst(prefix.count).dropLast()) else { return nil }
            return "\(base)-\(index)"
        }
        return nil
    }
}

/// What the curricular page shows: every field with its value and error.
struct CurricularView {
    let csrf: String
    let action: String
    let status: StatusView
    let readOnly: Bool
    /// Revision, fingerprints, last save, the boxes above the form.
    let state: FormState
    /// The values to correct, each linked to its place in the form (shown while any is stored).
    let invalidIssues: [IssueView]
    let hasInvalid: Bool
    let networks: [InputView]
    let webPage: InputView
    let emails: [InputView]
    let phones: [InputView]
    let addresses: [InputView]
    let degree: QuestionView
    let degreeStatus: QuestionView
    let training: [InputView]
    let texts: [InputView]
    let authorization: QuestionView
    let affirmativeAction: Bool

    /// The form for `answers`, with the invalid values among them (`draftIssues`) beside
    /// their fields and listed above the form.
    init(answers: CurricularQuestionnaire, profile: ProfileCaptureState, csrf: String, rules: ValidationRules = .default, state: FormState) {
        let issues = answers.draftIssues(rules: rules).issues
        let messages = issues.messagesByField
        let fields = CurricularQuestionnaire.Field.self
        func error(_ field: FormField) -> String? { messages[field.id] }
        self.csrf = csrf
        action = "/candidaturas/\(profile.candidacy.id)/curricular"
        status = StatusView(profile)
        readOnly = !profile.isEditable
        self.state = state
        invalidIssues = issues.map { IssueView(label: $0.label, message: $0.message, href: CurricularForm.elementID(for: $0.field).map { "#" + $0 }) }
        hasInvalid = !issues.isEmpty
        let notes = state.staffNotes
        networks = SocialNetwork.allCases.map { network in
            let field = PublicContact.field(of: network)
            return InputView(
                id: network.rawValue, label: network.label, type: "url", value: answers.contact.address(of: network) ?? "",
                error: error(field), hint: "Dirección de su perfil (https://\(network.domains[0])/su-perfil) o su usuario con @",
                inputMode: "url"
            ).noted(notes)
        }
        webPage = InputView(
            id: "pagina_web", label: PublicContact.Field.webPage.label, type: "url",
            value: answers.contact.webPage ?? "", error: error(PublicContact.Field.webPage),
            hint: "Por ejemplo www.ejemplo.mx", inputMode: "url", autocomplete: "url"
        ).noted(notes)
        emails = Self.slots(
            answers.contact.emails, base: "correos", label: "Correo electrónico público", type: "email",
            extra: 1, messages: messages, inputMode: "email", autocomplete: "email"
        ) { PublicContact.Field.email($0) }.map { $0.noted(notes) }
        phones = Self.slots(
            answers.contact.phones, base: "telefonos", label: "Teléfono público", type: "tel",
            extra: 1, messages: messages, inputMode: "tel", autocomplete: "tel"
        ) { PublicContact.Field.phone($0) }.map { $0.noted(notes) }
        addresses = Self.slots(
            answers.contact.campaignHouseAddresses, base: "domicilios", label: "Domicilio de casa de campaña",
            type: "text", extra: 1, messages: messages, autocomplete: "address-line1"
        ) { PublicContact.Field.campaignHouseAddress($0) }.map { $0.noted(notes) }
        degree = Self.select(
            id: "grado", label: fields.maximumDegree.label, entries: rules.educationLevels,
            chosen: answers.maximumDegree, error: error(fields.maximumDegree)
        ).noted(notes)
        degreeStatus = Self.select(
            id: "estatus_grado", label: fields.degreeStatus.label, entries: rules.educationStatuses,
            chosen: answers.degreeStatus, error: error(fields.degreeStatus)
        ).noted(notes)
        let trainingRule = rules.otherTrainingEntry
        training = Self.slots(
            answers.otherTraining, base: "formacion", label: "Curso, diplomado o seminario", type: "text",
            extra: 2, messages: messages, limit: trainingRule.maximum,
            hint: "Uno por casilla, \(trainingRule.rangeDescription) cada uno."
        ) { fields.otherTraining($0) }.map { $0.noted(notes) }
        texts = CurricularField.texts.compactMap { entry in
            guard let text = entry.text, let id = entry.formName else { return nil }
            let rule = rules[keyPath: text.rule]
            return InputView(
                id: id, label: entry.field.label, value: answers[keyPath: text.answer], error: error(entry.field),
                limit: rule.maximum, minimum: rule.minimum,
                hint: "Obligatorio: \(rule.rangeDescription)." + (text.hint.map { " " + $0 } ?? "")
            ).noted(notes)
        }
        let authorizationField = fields.publicationAuthorization
        let authorizationError = error(authorizationField)
        authorization = QuestionView(
            id: "autoriza_publicacion", name: "autoriza_publicacion",
            label: "¿Autoriza la publicación de la información de este cuestionario en el sistema Conóceles?",
            options: [("si", "Sí, autorizo su publicación", true), ("no", "No autorizo su publicación", false)].map { value, label, flag in
                OptionView(id: "autoriza_publicacion-\(value)", value: value, label: label, selected: answers.publicationAuthorization == flag)
            },
            error: authorizationError, radio: true, checkbox: false, select: false, other: nil,
            errorID: authorizationError.map { _ in "autoriza_publicacion-error" }
        ).noted(notes)
        affirmativeAction = profile.candidacy.isAffirmativeAction
    }

    /// The saved entries of a repeated field plus `extra` empty ones (at least two in all).
    static func slots(
        _ values: [String], base: String, label: String, type: String, extra: Int, messages: [String: String],
        limit: Int? = nil, hint: String? = nil, inputMode: String? = nil, autocomplete: String? = nil, field: (Int) -> FormField
    ) -> [InputView] {
        let count = max(values.count + extra, 2)
        return (0..<count).map { index in
            InputView(
                id: "\(base)-\(index)", name: "\(base)[]", label: "\(label) \(index + 1)", type: type,
                value: index < values.count ? values[index] : "", error: messages[field(index).id], limit: limit,
                hint: index == 0 ? hint : nil, inputMode: inputMode, autocomplete: index == 0 ? autocomplete : nil)
        }
    }

    /// A select of a catalog with an empty first choice.
    static func select(id: String, label: String, entries: [CatalogEntry], chosen: String?, error: String?) -> QuestionView {
        let options =
            [OptionView(id: "", value: "", label: "Elija una opción", selected: chosen == nil)]
            + entries.map { OptionView(id: "", value: $0.key, label: $0.name, selected: $0.key == chosen) }
        return QuestionView(
            id: id, name: id, label: label, options: options, error: error, radio: false, checkbox: false,
            select: true, other: nil, errorID: error.map { _ in "\(id)-error" })
    }
}
