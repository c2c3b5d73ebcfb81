import Foundation
import Testing
@testable import ConocelesCore

@Suite("Consent and publication rules")
struct PublicationRulesTests {
    let granted = IdentityConsent.granted(at: Factories.at)

    func groups(
        _ questionnaire: IdentityQuestionnaire?, affirmativeAction: IdentityGroup? = nil,
        consent: IdentityConsent, status: CandidacyStatus = .approved
    ) -> [PublicIdentityGroup] {
        PublicationRules.publicIdentity(
            of: questionnaire, candidacy: Factories.candidacy(status: status, affirmativeAction: affirmativeAction),
            consent: consent, catalogs: Factories.catalogs)
    }

    @Test("With consent: every group the person identifies with, with its answers")
    func consentPublishesGroupsIdentifiedWith() throws {
        let result = groups(Factories.allYesIdentity(), consent: granted)
        #expect(result.map(\.group) == [.indigenous, .disability, .afroMexican, .sexualDiversity, .migrant, .youth])
        #expect(result.allSatisfy { $0.basis == .consent })
        let indigenous = try #require(result.first)
        #expect(
            indigenous.details == [
                .init(label: "¿Habla o entiende alguna lengua indígena?", value: "Sí"),
                .init(label: "¿A qué pueblo y/o comunidad indígena pertenece?", value: "Huichol (Wixárika)"),
            ])
        let migrant = try #require(result.first { $0.group == .migrant })
        #expect(migrant.details.map(\.value) == ["Estados Unidos de América", "De 6 a 15 años", "Trabajo", "Sí"])
        let disability = try #require(result.first { $0.group == .disability })
        #expect(disability.details.map(\.value) == ["Permanente", "Física, Sensorial", "Caminar, subir o bajar escaleras con sus piernas"])
    }

    @Test("Without consent: nothing, unless an affirmative action, and then only its group", arguments: [IdentityConsent.notGiven, .revoked(at: Factories.at)])
    func noConsent(consent: IdentityConsent) {
        #expect(groups(Factories.allYesIdentity(), consent: consent).isEmpty)
        let result = groups(Factories.allYesIdentity(), affirmativeAction: .sexualDiversity, consent: consent)
        #expect(result == [PublicIdentityGroup(group: .sexualDiversity, basis: .affirmativeAction)])
    }

    @Test("The affirmative-action group is public whatever the answers say")
    func affirmativeActionWithoutAnswers() {
        #expect(groups(nil, affirmativeAction: .indigenous, consent: .notGiven) == [PublicIdentityGroup(group: .indigenous, basis: .affirmativeAction)])
        #expect(
            groups(Factories.allNoIdentity(), affirmativeAction: .youth, consent: granted) == [PublicIdentityGroup(group: .youth, basis: .affirmativeAction)])
    }

    @Test("With consent and an affirmative action, the group appears once, with answers")
    func consentAndAffirmativeAction() {
        let result = groups(Factories.allYesIdentity(), affirmativeAction: .migrant, consent: granted)
        #expect(result.filter { $0.group == .migrant }.count == 1)
        #expect(result.first { $0.group == .migrant }?.details.isEmpty == false)
    }

    @Test("Prefer-not-to-answer and No never appear; socioeconomic data and state of birth never do")
    func preferNotToAnswerHidden() {
        var questionnaire = Factories.allYesIdentity()
        questionnaire.indigenous.speaksIndigenousLanguage = .preferNotToAnswer
        questionnaire.indigenous.people = .answered(.preferNotToAnswer)
        questionnaire.disability.types = .answered(MultipleChoice([.preferNotToAnswer]))
        questionnaire.olderPerson = .no
        let result = groups(questionnaire, consent: granted)
        #expect(result.first { $0.group == .indigenous }?.details.isEmpty == true)
        #expect(
            result.first { $0.group == .disability }?.details.map(\.label) == [
                "El tipo de discapacidad con el que vive es", "Su discapacidad le dificulta o impide",
            ])
        #expect(!result.contains { $0.group == .olderPerson })
        let labels = result.flatMap(\.details).map(\.label).joined()
        #expect(!labels.contains("ingresos") && !labels.contains("nacimiento"))
    }

    @Test("Other/Otra shows its text")
    func otherTextShown() {
        var questionnaire = Factories.allYesIdentity()
        questionnaire.sexualDiversity.identity = .answered(Choice(.other, otherText: " Dos espíritus "))
        questionnaire.indigenous.people = .answered(.other(text: "Coca"))
        let result = groups(questionnaire, consent: granted)
        #expect(result.first { $0.group == .sexualDiversity }?.details.map(\.value) == ["Dos espíritus"])
        #expect(result.first { $0.group == .indigenous }?.details.last?.value == "Coca")
    }

    @Test("Revocation unpublishes at once")
    func revocation() {
        let revoked = granted.revoking(at: Factories.at.addingTimeInterval(3_600))
        #expect(!revoked.isGranted)
        #expect(groups(Factories.allYesIdentity(), consent: revoked).isEmpty)
        #expect(groups(Factories.allYesIdentity(), consent: revoked.granting(at: Factories.at.addingTimeInterval(7_200))).count == 6)
        #expect(IdentityConsent.notGiven.revoking(at: Factories.at) == .notGiven)
    }

    @Test("Substituted and cancelled candidacies publish no identity answer", arguments: [CandidacyStatus.substituted, .cancelled])
    func inactiveCandidacies(status: CandidacyStatus) {
        #expect(groups(Factories.allYesIdentity(), affirmativeAction: .indigenous, consent: granted, status: status).isEmpty)
    }

    @Test("Which candidacies appear, and how", arguments: CandidacyStatus.allCases, ProfileState.allCases)
    func visibility(status: CandidacyStatus, state: ProfileState) {
        let visibility = PublicationRules.visibility(of: Factories.candidacy(status: status), profileState: state)
        let published: Set<ProfileState> = [.published, .modificationRequested, .modifying, .modificationSubmitted, .reverified, .republished]
        switch status {
        case .substituted, .cancelled: #expect(visibility == .hidden)
        case .approved: #expect(visibility == (published.contains(state) ? .profilePublished : .listedWithoutProfile))
        }
    }

    @Test func consentIsCodable() throws {
        for consent in [IdentityConsent.notGiven, granted, .revoked(at: Factories.at)] {
            let data = try JSONEncoder().encode(consent)
            #expect(try JSONDecoder().decode(IdentityConsent.self, from: data) == consent)
        }
    }
}
