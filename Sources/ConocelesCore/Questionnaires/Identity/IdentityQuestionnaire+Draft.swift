extension IdentityQuestionnaire {
    /// The issues that stop these answers from being saved even as a draft: every invalid
    /// answer (an option outside its catalog, "Otro/Otra" without saying which, "Prefiero no
    /// contestar" with other options) and every follow-up left unanswered after a "Sí". A
    /// question not answered yet is no obstacle to a draft; `completeness(catalogs:)` lists it.
    public func draftIssues(catalogs: Catalogs) -> CompletenessReport {
        CompletenessReport(
            issues: completeness(catalogs: catalogs).issues.filter { issue in
                issue.code != .missing || Self.followUpFields.contains(issue.field)
            })
    }

    /// The identifiers of the follow-up questions (asked only after a "Sí").
    public static let followUpFields: Set<String> = [
        IndigenousSection.Field.people.id,
        DisabilitySection.Field.duration.id, DisabilitySection.Field.types.id, DisabilitySection.Field.difficulties.id,
        SexualDiversitySection.Field.identity.id,
        MigrantSection.Field.country.id, MigrantSection.Field.timeAbroad.id, MigrantSection.Field.reason.id,
        MigrantSection.Field.regularPlacement.id,
    ]
}
