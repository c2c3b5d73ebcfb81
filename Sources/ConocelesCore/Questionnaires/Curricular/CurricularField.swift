/// One field of the curricular questionnaire as every part of the system names it: the
/// domain identifier and Spanish label, the form control, the stored JSON key, the
/// spreadsheet column, the public label and INE's open-data column. `CurricularField.all` is
/// the one table the form, the spreadsheet, the staff comparison, completeness, the
/// publication builder, the public profile, the comparison page, the help page and the open
/// data read; `CurricularFieldTableTests` (Web) holds each of them to it.
///
/// A long text (`Kind.text`) is entirely described here: adding one is one entry plus its
/// stored property in `CurricularQuestionnaire` and `PublishedProfile.Curricular` (stored as
/// JSON: no migration). The structured fields (photo, contact media, education, training,
/// authorization) keep their shape-specific code in each user, keyed by their `Kind`.
public struct CurricularField: Sendable {
    public typealias AnswerPath = WritableKeyPath<CurricularQuestionnaire, String> & Sendable
    public typealias PublishedPath = WritableKeyPath<PublishedProfile.Curricular, String> & Sendable
    public typealias RulePath = KeyPath<ValidationRules, LengthRule> & Sendable

    /// What kind of value a field holds.
    public enum Kind: Sendable {
        /// A required long text checked against a length rule.
        case text(TextField)
        case photo
        case network(SocialNetwork)
        case webPage
        case emails
        case phones
        case campaignHouseAddresses
        case maximumDegree
        case degreeStatus
        case otherTraining
        case publicationAuthorization
    }

    /// Everything about a long text beyond its names.
    public struct TextField: Sendable {
        /// Where the answer is kept.
        public let answer: AnswerPath
        /// Where the published profile keeps it.
        public let published: PublishedPath
        /// Its length rule among `ValidationRules`.
        public let rule: RulePath
        /// The help page's name for its rule; nil when an earlier field shares the rule (the
        /// two proposals).
        public let ruleLabel: String?
        /// A sentence the form adds to the field's hint, if any.
        public let hint: String?
    }

    public let kind: Kind
    /// Domain identifier (issues name it) and Spanish label (form, staff comparison).
    public let field: FormField
    /// The form control's name and element id base (`historia_profesional`); nil for the
    /// photo, captured on its own page.
    public let formName: String?
    /// The top-level key of the stored questionnaire JSON that holds it (the audit log names these).
    public let storageKey: String
    /// The label of the field as a whole (a list's label for repeated fields).
    public let listLabel: String
    /// The spreadsheet's column header; nil when the spreadsheet does not carry it (the photo).
    public let csvHeader: String?
    /// The label on the public profile and comparison; nil when not shown on its own row.
    public let publicLabel: String?
    /// INE's open-data column that carries it (the networks share `REDES`); nil when not published.
    public let openDataColumn: String?

    /// Whether the field is a list of entries (`curricular.contact.emails[0]`…).
    public var isRepeated: Bool {
        switch kind {
        case .emails, .phones, .campaignHouseAddresses, .otherTraining: true
        default: false
        }
    }

    /// The long text's description, or nil for a structured field.
    public var text: TextField? {
        if case .text(let text) = kind { return text }
        return nil
    }
}

extension CurricularField {
    typealias F = CurricularQuestionnaire.Field

    static func text(
        _ field: FormField, formName: String, storageKey: String, publicLabel: String, openDataColumn: String,
        answer: AnswerPath, published: PublishedPath, rule: RulePath, ruleLabel: String?, hint: String? = nil
    ) -> CurricularField {
        CurricularField(
            kind: .text(TextField(answer: answer, published: published, rule: rule, ruleLabel: ruleLabel, hint: hint)),
            field: field, formName: formName, storageKey: storageKey, listLabel: field.label, csvHeader: field.label,
            publicLabel: publicLabel, openDataColumn: openDataColumn)
    }

    static let proposalHint = "Diga a qué población se dirige, qué metas persigue y en qué plazo."

    /// The long texts, in the order of the form.
    public static let texts: [CurricularField] = [
        .text(
            F.professionalHistory, formName: "historia_profesional", storageKey: "professionalHistory",
            publicLabel: "Historia profesional y laboral", openDataColumn: "HISTORIA_PROFESIONAL",
            answer: \.professionalHistory, published: \.professionalHistory, rule: \.professionalHistory,
            ruleLabel: "Historia profesional y/o laboral"),
        .text(
            F.politicalTrajectory, formName: "trayectoria_politica", storageKey: "politicalTrajectory",
            publicLabel: "Trayectoria política", openDataColumn: "TRAYECTORIA_POLITICA",
            answer: \.politicalTrajectory, published: \.politicalTrajectory, rule: \.politicalTrajectory,
            ruleLabel: "Trayectoria política y/o participación social"),
        .text(
            F.publicOfficeMotivation, formName: "motivacion", storageKey: "publicOfficeMotivation",
            publicLabel: "¿Por qué quiere ocupar un cargo público?", openDataColumn: "MOTIVO_CARGO_PUBLICO",
            answer: \.publicOfficeMotivation, published: \.publicOfficeMotivation, rule: \.publicOfficeMotivation,
            ruleLabel: "¿Por qué quiere ocupar un cargo público?"),
        .text(
            F.firstProposal, formName: "propuesta_1", storageKey: "firstProposal",
            publicLabel: "Propuesta 1", openDataColumn: "PROPUESTA_1",
            answer: \.firstProposal, published: \.firstProposal, rule: \.proposal,
            ruleLabel: "Cada una de las dos propuestas principales", hint: proposalHint),
        .text(
            F.secondProposal, formName: "propuesta_2", storageKey: "secondProposal",
            publicLabel: "Propuesta 2", openDataColumn: "PROPUESTA_2",
            answer: \.secondProposal, published: \.secondProposal, rule: \.proposal, ruleLabel: nil, hint: proposalHint),
        .text(
            F.genderProposal, formName: "propuesta_genero", storageKey: "genderProposal",
            publicLabel: "Propuesta en materia de género o del grupo que representa", openDataColumn: "PROPUESTA_GENERO",
            answer: \.genderProposal, published: \.genderProposal, rule: \.genderProposal,
            ruleLabel: "Propuesta en materia de género o del grupo en situación de discriminación que representa"),
    ]

    public static let photo = CurricularField(
        kind: .photo, field: F.photo, formName: nil, storageKey: "photo", listLabel: F.photo.label, csvHeader: nil,
        publicLabel: nil, openDataColumn: nil)
    public static let maximumDegree = CurricularField(
        kind: .maximumDegree, field: F.maximumDegree, formName: "grado", storageKey: "maximumDegree",
        listLabel: F.maximumDegree.label, csvHeader: F.maximumDegree.label, publicLabel: "Grado máximo de estudios",
        openDataColumn: "ESCOLARIDAD")
    public static let degreeStatus = CurricularField(
        kind: .degreeStatus, field: F.degreeStatus, formName: "estatus_grado", storageKey: "degreeStatus",
        listLabel: F.degreeStatus.label, csvHeader: F.degreeStatus.label, publicLabel: "Estatus",
        openDataColumn: "ESTATUS_ESCOLARIDAD")
    public static let otherTraining = CurricularField(
        kind: .otherTraining, field: F.otherTraining(0), formName: "formacion", storageKey: "otherTraining",
        listLabel: "Otra formación académica", csvHeader: "Otra formación académica (una por renglón)",
        publicLabel: "Otra formación", openDataColumn: "CURSOS")
    public static let networks: [CurricularField] = SocialNetwork.allCases.map { network in
        CurricularField(
            kind: .network(network), field: PublicContact.field(of: network), formName: network.rawValue, storageKey: "contact",
            listLabel: network.label, csvHeader: network.label, publicLabel: network.label, openDataColumn: "REDES")
    }
    public static let webPage = CurricularField(
        kind: .webPage, field: PublicContact.Field.webPage, formName: "pagina_web", storageKey: "contact",
        listLabel: PublicContact.Field.webPage.label, csvHeader: PublicContact.Field.webPage.label,
        publicLabel: PublicContact.Field.webPage.label, openDataColumn: "PAGINA_WEB")
    public static let emails = CurricularField(
        kind: .emails, field: PublicContact.Field.email(0), formName: "correos", storageKey: "contact",
        listLabel: "Correos electrónicos públicos", csvHeader: "Correos electrónicos públicos (uno por renglón)",
        publicLabel: "Correo electrónico", openDataColumn: "CORREO_ELECTRONICO")
    public static let phones = CurricularField(
        kind: .phones, field: PublicContact.Field.phone(0), formName: "telefonos", storageKey: "contact",
        listLabel: "Teléfonos públicos de contacto", csvHeader: "Teléfonos públicos de contacto (uno por renglón)",
        publicLabel: "Teléfono", openDataColumn: "TELEFONO")
    public static let campaignHouseAddresses = CurricularField(
        kind: .campaignHouseAddresses, field: PublicContact.Field.campaignHouseAddress(0), formName: "domicilios",
        storageKey: "contact", listLabel: "Domicilios de casas de campaña",
        csvHeader: "Domicilios de casas de campaña (uno por renglón)", publicLabel: "Casa de campaña",
        openDataColumn: "DIRECCION_CASA_CAMPANA")
    public static let publicationAuthorization = CurricularField(
        kind: .publicationAuthorization, field: F.publicationAuthorization, formName: "autoriza_publicacion",
        storageKey: "publicationAuthorization", listLabel: F.publicationAuthorization.label,
        csvHeader: F.publicationAuthorization.label + " (Sí/No)", publicLabel: nil, openDataColumn: nil)

    /// Every field, in the order of the staff comparison and the spreadsheet: photo,
    /// education, training, the long texts, contact media, authorization.
    public static let all: [CurricularField] =
        [photo, maximumDegree, degreeStatus, otherTraining] + texts + networks
        + [webPage, emails, phones, campaignHouseAddresses, publicationAuthorization]

    /// Spanish labels of the stored questionnaire's top-level keys (the audit log names these).
    public static let storageKeyLabels: [String: String] = {
        var labels: [String: String] = ["contact": "Medios de contacto públicos"]
        for entry in all where entry.storageKey != "contact" { labels[entry.storageKey] = entry.listLabel }
        return labels
    }()
}
