/// Autoadscripción indígena.
public struct IndigenousSection: Sendable, Hashable, Codable {
    /// 1. ¿Se identifica como una persona indígena o como parte de algún pueblo o comunidad indígena?
    public var identifiesAsIndigenous: YesNoAnswer?
    /// 2. ¿Habla o entiende alguna lengua indígena? Asked of everybody (it is not a follow-up).
    public var speaksIndigenousLanguage: YesNoAnswer?
    /// 3. ¿A qué pueblo y/o comunidad indígena pertenece? (INALI catalog, "Otro" with text,
    /// "Prefiero no contestar"; "No aplica" unless question 1 is "Sí").
    public var people: FollowUp<CatalogAnswer>?

    /// A section with the given answers (unanswered by default).
    public init(identifiesAsIndigenous: YesNoAnswer? = nil, speaksIndigenousLanguage: YesNoAnswer? = nil, people: FollowUp<CatalogAnswer>? = nil) {
        self.identifiesAsIndigenous = identifiesAsIndigenous
        self.speaksIndigenousLanguage = speaksIndigenousLanguage
        self.people = people
    }

    /// Field identifiers and Spanish labels of the questions.
    public enum Field {
        public static let identifies = FormField(
            "identity.indigenous.identifies", "¿Se identifica como una persona indígena o como parte de algún pueblo o comunidad indígena?")
        public static let speaksLanguage = FormField("identity.indigenous.speaks_language", "¿Habla o entiende alguna lengua indígena?")
        public static let people = FormField("identity.indigenous.people", "¿A qué pueblo y/o comunidad indígena pertenece?")
    }

    /// The section with its follow-up set to "No aplica" when question 1 is not "Sí".
    public func normalized() -> IndigenousSection {
        var copy = self
        if identifiesAsIndigenous != .yes && identifiesAsIndigenous != nil { copy.people = .notApplicable }
        return copy
    }

    func validate(into collector: inout IssueCollector, catalogs: Catalogs) {
        collector.required(identifiesAsIndigenous, Field.identifies)
        collector.required(speaksIndigenousLanguage, Field.speaksLanguage)
        collector.followUp(people, parent: identifiesAsIndigenous, Field.people) { collector, answer in
            collector.catalogAnswer(
                answer, catalog: catalogs.indigenousPeoples, catalogName: "pueblos indígenas",
                allowsOther: true, Field.people)
        }
    }
}
