/// What may be public, as pure functions: which candidacies appear and how, and which
/// identity answers appear on a profile.
public enum PublicationRules {
    /// What INE's open data writes for a value not provided.
    public static let notProvided = "No proporcionó"

    /// How `candidacy` appears, given its profile's workflow state: hidden once
    /// substituted or cancelled; with its profile once a version has been published
    /// (the published version stays public while its single modification is in progress);
    /// otherwise listed without profile.
    public static func visibility(of candidacy: Candidacy, profileState: ProfileState) -> CandidacyVisibility {
        guard candidacy.status.isActive else { return .hidden }
        return profileState.hasPublishedVersion ? .profilePublished : .listedWithoutProfile
    }

    /// Whether `consent` lets `candidacy`'s identity answers be public: it must be in force
    /// and, for an independent candidacy, recorded from the signed express-consent form that
    /// staff received (`signedForm`); the seed publishes theirs "una vez recibido el
    /// consentimiento expreso", so the ordinary consent is not enough for them.
    public static func consentPublishes(_ consent: IdentityConsent, signedForm: Bool, candidacy: Candidacy) -> Bool {
        consent.isGranted && (signedForm || candidacy.postulatingEntity.kind != .independent)
    }

    /// The identity groups shown on `candidacy`'s public profile.
    ///
    /// - With express consent (`consentPublishes`): every group the person identifies with ("Sí"), with the
    ///   section's answers except "Prefiero no contestar".
    /// - Always (consent or not): the group of the affirmative action the candidacy was
    ///   registered under, without answers unless consent covers them.
    /// - Nothing for a substituted or cancelled candidacy. Socioeconomic data and state of
    ///   birth are never public: they feed statistics only.
    public static func publicIdentity(
        of questionnaire: IdentityQuestionnaire?,
        candidacy: Candidacy,
        consent: IdentityConsent,
        signedForm: Bool = false,
        catalogs: Catalogs
    ) -> [PublicIdentityGroup] {
        guard candidacy.status.isActive else { return [] }
        let publishes = consentPublishes(consent, signedForm: signedForm, candidacy: candidacy)
        let consented = publishes ? (questionnaire?.groupsIdentifiedWith ?? []) : []
        return IdentityGroup.allCases.compactMap { group in
            if consented.contains(group), let questionnaire {
                return PublicIdentityGroup(group: group, basis: .consent, details: details(of: group, in: questionnaire, catalogs: catalogs))
            }
            if candidacy.affirmativeAction == group {
                return PublicIdentityGroup(group: group, basis: .affirmativeAction)
            }
            return nil
        }
    }

    /// The answers of `group`'s section worth showing: answered, applicable and not
    /// "Prefiero no contestar".
    static func details(of group: IdentityGroup, in questionnaire: IdentityQuestionnaire, catalogs: Catalogs) -> [PublicIdentityGroup.Detail] {
        var details: [PublicIdentityGroup.Detail] = []
        func add(_ field: FormField, _ value: String?) {
            if let value { details.append(.init(label: field.label, value: value)) }
        }
        func yesNo(_ answer: YesNoAnswer?) -> String? {
            answer.flatMap { $0 == .preferNotToAnswer ? nil : $0.label }
        }
        func choice<Option>(_ followUp: FollowUp<Choice<Option>>?) -> String? {
            followUp?.answer.flatMap { $0.option.isPreferNotToAnswer ? nil : $0.displayText }
        }
        func multiple<Option>(_ followUp: FollowUp<MultipleChoice<Option>>?) -> String? {
            followUp?.answer.flatMap { $0.options.contains(where: \.isPreferNotToAnswer) || $0.options.isEmpty ? nil : $0.displayText }
        }
        func catalogAnswer(_ followUp: FollowUp<CatalogAnswer>?, _ catalog: Catalog) -> String? {
            guard let answer = followUp?.answer, answer != .preferNotToAnswer else { return nil }
            return answer.displayText(in: catalog)
        }
        switch group {
        case .indigenous:
            let section = questionnaire.indigenous
            add(IndigenousSection.Field.speaksLanguage, yesNo(section.speaksIndigenousLanguage))
            add(IndigenousSection.Field.people, catalogAnswer(section.people, catalogs.indigenousPeoples))
        case .disability:
            let section = questionnaire.disability
            add(DisabilitySection.Field.duration, choice(section.duration))
            add(DisabilitySection.Field.types, multiple(section.types))
            add(DisabilitySection.Field.difficulties, multiple(section.difficulties))
        case .sexualDiversity:
            add(SexualDiversitySection.Field.identity, choice(questionnaire.sexualDiversity.identity))
        case .migrant:
            let section = questionnaire.migrant
            add(MigrantSection.Field.country, catalogAnswer(section.countryOfResidence, catalogs.countries))
            add(MigrantSection.Field.timeAbroad, choice(section.timeAbroad))
            add(MigrantSection.Field.reason, choice(section.reason))
            add(MigrantSection.Field.regularPlacement, yesNo(section.hadRegularPlacement?.answer))
        case .afroMexican, .youth, .olderPerson:
            break
        }
        return details
    }
}
