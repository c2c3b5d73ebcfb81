/// The identity questionnaire (sensitive data): self-identification with groups in a
/// situation of discrimination or priority attention, socioeconomic data and state of
/// birth. Capture is mandatory: every question must be answered, "Prefiero no contestar"
/// being an answer; follow-ups apply only after "Sí" and are otherwise "No aplica".
/// Stored as JSON, encrypted by Storage; consent to publish lives in `IdentityConsent`.
public struct IdentityQuestionnaire: Sendable, Hashable, Codable {
    /// Autoadscripción indígena.
    public var indigenous: IndigenousSection
    /// Población con discapacidad.
    public var disability: DisabilitySection
    /// ¿Se considera una persona afromexicana o que forma parte de alguna comunidad afrodescendiente?
    public var afroMexican: YesNoAnswer?
    /// Diversidad sexual.
    public var sexualDiversity: SexualDiversitySection
    /// Personas mexicanas migrantes.
    public var migrant: MigrantSection
    /// ¿Es parte de la población joven? (21 a 29 años).
    public var youth: YesNoAnswer?
    /// ¿Es parte de la población de personas mayores? (60 años o más).
    public var olderPerson: YesNoAnswer?
    /// Rubro socioeconómico.
    public var socioeconomic: SocioeconomicSection
    /// Entidad federativa de nacimiento (states catalog or "Prefiero no contestar").
    public var stateOfBirth: CatalogAnswer?

    /// A questionnaire with the given answers; everything unanswered by default.
    public init(
        indigenous: IndigenousSection = .init(),
        disability: DisabilitySection = .init(),
        afroMexican: YesNoAnswer? = nil,
        sexualDiversity: SexualDiversitySection = .init(),
        migrant: MigrantSection = .init(),
        youth: YesNoAnswer? = nil,
        olderPerson: YesNoAnswer? = nil,
        socioeconomic: SocioeconomicSection = .init(),
        stateOfBirth: CatalogAnswer? = nil
    ) {
        self.indigenous = indigenous
        self.disability = disability
        self.afroMexican = afroMexican
        self.sexualDiversity = sexualDiversity
        self.migrant = migrant
        self.youth = youth
        self.olderPerson = olderPerson
        self.socioeconomic = socioeconomic
        self.stateOfBirth = stateOfBirth
    }

    /// Field identifiers and Spanish labels of the questions outside a section.
    public enum Field {
        public static let afroMexican = FormField(
            "identity.afromexican.identifies",
            "¿Se considera una persona afromexicana o que forma parte de alguna comunidad afrodescendiente?")
        public static let youth = FormField("identity.youth.identifies", "¿Es parte de la población joven?")
        public static let olderPerson = FormField("identity.older_person.identifies", "¿Es parte de la población de personas mayores?")
        public static let stateOfBirth = FormField("identity.general.state_of_birth", "Entidad federativa de nacimiento")
    }

    /// The answer to the membership question of `group` ("¿Se identifica como…?"), or nil
    /// when unanswered.
    public func membership(in group: IdentityGroup) -> YesNoAnswer? {
        switch group {
        case .indigenous: indigenous.identifiesAsIndigenous
        case .disability: disability.hasDisability
        case .afroMexican: afroMexican
        case .sexualDiversity: sexualDiversity.isLGBTTTIQ
        case .migrant: migrant.isMigrant
        case .youth: youth
        case .olderPerson: olderPerson
        }
    }

    /// The groups the person identifies with (membership answered "Sí"), in catalog order.
    public var groupsIdentifiedWith: [IdentityGroup] {
        IdentityGroup.allCases.filter { membership(in: $0) == .yes }
    }

    /// The questionnaire with every follow-up set to "No aplica" where its question was
    /// answered "No" or "Prefiero no contestar" (what a form does before saving).
    public func normalized() -> IdentityQuestionnaire {
        var copy = self
        copy.indigenous = indigenous.normalized()
        copy.disability = disability.normalized()
        copy.sexualDiversity = sexualDiversity.normalized()
        copy.migrant = migrant.normalized()
        return copy
    }

    /// Every unanswered or invalid question, in form order. Catalog answers (indigenous
    /// people, country of residence, state of birth) are checked against `catalogs`.
    public func completeness(catalogs: Catalogs) -> CompletenessReport {
        var collector = IssueCollector()
        indigenous.validate(into: &collector, catalogs: catalogs)
        disability.validate(into: &collector)
        collector.required(afroMexican, Field.afroMexican)
        sexualDiversity.validate(into: &collector)
        migrant.validate(into: &collector, catalogs: catalogs)
        collector.required(youth, Field.youth)
        collector.required(olderPerson, Field.olderPerson)
        socioeconomic.validate(into: &collector)
        collector.required(stateOfBirth, Field.stateOfBirth)
        if let stateOfBirth {
            collector.catalogAnswer(
                stateOfBirth, catalog: catalogs.states, catalogName: "entidades federativas",
                allowsOther: false, Field.stateOfBirth)
        }
        return collector.report
    }
}
