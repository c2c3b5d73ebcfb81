/// The completeness check of a whole profile, the one `ProfileAction.markComplete` and
/// `.submitModification` need: privacy notice accepted, curricular questionnaire and
/// identity questionnaire (capture of both is mandatory).
public enum ProfileCompleteness {
    /// The privacy notice field.
    public static let privacyNoticeField = FormField("profile.privacy_notice", "Aviso de privacidad")

    /// Every missing or invalid field of the profile, in form order.
    ///
    /// - Parameters:
    ///   - privacyNoticeAccepted: whether the person accepted the privacy notice.
    ///   - curricular: the curricular questionnaire.
    ///   - identity: the identity questionnaire, or nil when not started (every question missing).
    ///   - candidacy: decides whether the publication authorization is required.
    ///   - catalogs: catalogs for the identity answers.
    ///   - rules: the limits (the rules' defaults unless the process changes them).
    ///   - photoReferenceDate: later of today and the process's publication date.
    public static func check(
        privacyNoticeAccepted: Bool,
        curricular: CurricularQuestionnaire,
        identity: IdentityQuestionnaire?,
        candidacy: Candidacy,
        catalogs: Catalogs,
        rules: ValidationRules = .default,
        photoReferenceDate: LocalDate
    ) -> CompletenessReport {
        var collector = IssueCollector()
        if !privacyNoticeAccepted {
            collector.add(privacyNoticeField, .missing, "Lea y acepte el aviso de privacidad antes de capturar su información.")
        }
        return collector.report
            .merging(
                curricular.completeness(
                    rules: rules, registeredUnderAffirmativeAction: candidacy.isAffirmativeAction,
                    photoReferenceDate: photoReferenceDate)
            )
            .merging((identity ?? IdentityQuestionnaire()).completeness(catalogs: catalogs))
    }
}
