extension CurricularQuestionnaire {
    /// The issues that stop these answers from being saved even as a draft: values that are
    /// wrong rather than missing (a text over its maximum, a bad e-mail, phone or address, a
    /// degree or status outside its catalog). Missing answers, texts still under their
    /// minimum, the photo and the publication authorization are left to `completeness(…)`:
    /// a draft may be incomplete. The web form and the bulk capture both refuse on these.
    public func draftIssues(rules: ValidationRules = .default) -> CompletenessReport {
        let report = completeness(
            rules: rules, registeredUnderAffirmativeAction: true,
            photoReferenceDate: LocalDate(year: 2000, month: 1, day: 1)!)
        return CompletenessReport(
            issues: report.issues.filter { issue in
                issue.field != Field.photo.id && !Self.codesAllowedInDrafts.contains(issue.code)
            })
    }

    /// Codes that describe an answer still to be given or completed, not a wrong one.
    static let codesAllowedInDrafts: Set<FieldIssue.Code> = [.missing, .tooShort]
}
