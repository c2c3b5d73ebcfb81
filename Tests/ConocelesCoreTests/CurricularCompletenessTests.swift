import Foundation
import Testing
@testable import ConocelesCore

@Suite("Curricular questionnaire completeness")
struct CurricularCompletenessTests {
    typealias F = CurricularQuestionnaire.Field

    func report(_ questionnaire: CurricularQuestionnaire, affirmativeAction: Bool = false, on date: LocalDate = Factories.today) -> CompletenessReport {
        questionnaire.completeness(registeredUnderAffirmativeAction: affirmativeAction, photoReferenceDate: date)
    }

    @Test func completeQuestionnairePasses() {
        let result = report(Factories.completeCurricular())
        #expect(result.isComplete, "\(result.issues)")
        #expect(result.summary == "Perfil completo.")
    }

    @Test("An empty questionnaire lists every required field, in form order")
    func emptyQuestionnaire() {
        let result = report(CurricularQuestionnaire())
        #expect(
            result.fields == [
                F.photo.id, F.maximumDegree.id, F.professionalHistory.id, F.politicalTrajectory.id,
                F.publicOfficeMotivation.id, F.firstProposal.id, F.secondProposal.id, F.genderProposal.id,
                F.publicationAuthorization.id,
            ])
        #expect(result.issues.allSatisfy { $0.code == .missing })
        #expect(result.summary == "Faltan o son incorrectos 9 datos.")
    }

    @Test("Contact media are optional; each given one is checked")
    func contactMedia() {
        var questionnaire = Factories.completeCurricular()
        questionnaire.contact = PublicContact()
        #expect(report(questionnaire).isComplete)

        questionnaire.contact = PublicContact(
            facebook: "https://www.instagram.com/maria", twitter: "", youtube: "https://youtu.be/abc",
            instagram: "instagram.com/maria", tiktok: nil, webPage: "maria lopez",
            emails: ["bien@ejemplo.mx", "mal@", " "], phones: ["33 1234 5678", "1234"],
            campaignHouseAddresses: ["Calle 1", "  "])
        let result = report(questionnaire)
        #expect(
            result.fields == [
                "curricular.contact.facebook", "curricular.contact.instagram", "curricular.contact.web_page",
                "curricular.contact.emails[1]", "curricular.contact.emails[2]", "curricular.contact.phones[1]",
                "curricular.contact.campaign_house_addresses[1]",
            ])
        #expect(result.issues(for: "curricular.contact.facebook").first?.code == .invalidURL)
        #expect(result.issues(for: "curricular.contact.emails[1]").first?.code == .invalidEmail)
        #expect(result.issues(for: "curricular.contact.emails[2]").first?.code == .missing)
        #expect(result.issues(for: "curricular.contact.phones[1]").first?.code == .invalidPhone)
        #expect(result.issues(for: "curricular.contact.phones[1]").first?.message.contains("10 dígitos") == true)
    }

    @Test(
        "Publication authorization: required and granted, unless affirmative action",
        arguments: [
            (Bool?.none, false, FieldIssue.Code?.some(.missing)),
            (false, false, .invalid),
            (true, false, nil),
            (nil, true, nil),
            (false, true, nil),
        ])
    func publicationAuthorization(authorization: Bool?, affirmativeAction: Bool, expected: FieldIssue.Code?) {
        var questionnaire = Factories.completeCurricular()
        questionnaire.publicationAuthorization = authorization
        let result = report(questionnaire, affirmativeAction: affirmativeAction)
        #expect(result.issues(for: F.publicationAuthorization.id).first?.code == expected)
        #expect(result.issues.count == (expected == nil ? 0 : 1))
    }

    @Test(
        "Education: degree and status from the catalog; no status without studies",
        arguments: [
            (String?.some("licenciatura"), String?.some("cedula"), [String]()),
            ("licenciatura", nil, ["curricular.degree_status"]),
            ("licenciatura", "inventado", ["curricular.degree_status"]),
            ("astronauta", "cedula", ["curricular.maximum_degree"]),
            (nil, nil, ["curricular.maximum_degree"]),
            ("sin_estudios", nil, []),
            ("sin_estudios", "concluido", ["curricular.degree_status"]),
        ])
    func education(degree: String?, status: String?, expectedFields: [String]) {
        var questionnaire = Factories.completeCurricular()
        questionnaire.maximumDegree = degree
        questionnaire.degreeStatus = status
        #expect(report(questionnaire).fields == expectedFields)
    }

    @Test("Every default education level and status is accepted")
    func educationCatalog() {
        var questionnaire = Factories.completeCurricular()
        for level in ValidationRules.defaultEducationLevels where level.key != "sin_estudios" {
            for status in ValidationRules.defaultEducationStatuses {
                questionnaire.maximumDegree = level.key
                questionnaire.degreeStatus = status.key
                #expect(report(questionnaire).isComplete)
            }
        }
        #expect(ValidationRules.defaultEducationLevels.count == 9)
        #expect(ValidationRules.defaultEducationStatuses.count == 5)
    }

    @Test(
        "Photo age: at most 3 months before the reference date, never in the future",
        arguments: [
            ("2023-12-01", true),  // exactly 3 months before 2024-03-01
            ("2023-11-30", false),  // one day older
            ("2024-03-01", true),
            ("2024-03-02", false),  // after the reference date
        ])
    func photoAge(taken: String, valid: Bool) {
        var questionnaire = Factories.completeCurricular()
        questionnaire.photo?.takenOn = LocalDate(taken)!
        let issues = report(questionnaire).issues(for: F.photo.id)
        #expect(issues.isEmpty == valid)
        if !valid { #expect(issues.first?.code == .invalid) }
    }

    @Test func photoAgeMessageNamesTheDates() {
        var questionnaire = Factories.completeCurricular()
        questionnaire.photo?.takenOn = LocalDate("2023-06-15")!
        #expect(
            report(questionnaire).issues.first?.message
                == "La fotografía es del 15 de junio de 2023; debe tener como máximo 3 meses de antigüedad: tomada a partir del 1 de diciembre de 2023.")
    }

    @Test("Photo size: at most the limit (716,800 bytes)", arguments: [(716_799, true), (716_800, true), (716_801, false), (2_000_000, false)])
    func photoSize(bytes: Int, valid: Bool) {
        var questionnaire = Factories.completeCurricular()
        questionnaire.photo?.byteCount = bytes
        let issues = report(questionnaire).issues(for: F.photo.id)
        #expect(issues.isEmpty == valid)
        if !valid { #expect(issues.map(\.message) == [ValidationRules.default.photoTooLargeMessage(bytes: bytes)]) }
    }

    @Test func photoWithoutDateIsMissingTheDate() {
        var questionnaire = Factories.completeCurricular()
        questionnaire.photo?.takenOn = nil
        let issues = report(questionnaire).issues(for: F.photo.id)
        #expect(issues.map(\.code) == [.missing])
        #expect(issues.first?.message == "Indique la fecha en que se tomó la fotografía.")
    }

    @Test func blankOtherTrainingEntryIsMissing() {
        var questionnaire = Factories.completeCurricular()
        questionnaire.otherTraining = ["Curso", "   "]
        #expect(report(questionnaire).issues.map(\.field) == ["curricular.other_training[1]"])
    }

    @Test func codableRoundTrip() throws {
        let questionnaire = Factories.completeCurricular()
        let data = try JSONEncoder().encode(questionnaire)
        #expect(try JSONDecoder().decode(CurricularQuestionnaire.self, from: data) == questionnaire)
    }
}

@Suite("Validation rules")
struct ValidationRulesTests {
    @Test func defaultsMatchTheRules() {
        let rules = ValidationRules.default
        for rule in [rules.professionalHistory, rules.politicalTrajectory, rules.publicOfficeMotivation] {
            #expect(rule == LengthRule(minimum: 280, maximum: 5_000))
        }
        #expect(rules.proposal == LengthRule(minimum: 280, maximum: 1_600))
        #expect(rules.genderProposal == LengthRule(minimum: 280, maximum: 1_600))
        #expect(rules.otherTrainingEntry == LengthRule(minimum: nil, maximum: 250))
        #expect(rules.photoMaximumAgeMonths == 3)
        #expect(rules.problems().isEmpty)
    }

    @Test("A configuration names only what it changes")
    func partialDecoding() throws {
        let json = #"{"proposal": {"minimum": 300, "maximum": 2000}, "photo_maximum_bytes": 1000000}"#
        let rules = try JSONDecoder().decode(ValidationRules.self, from: Data(json.utf8))
        #expect(rules.proposal == LengthRule(minimum: 300, maximum: 2_000))
        #expect(rules.photoMaximumBytes == 1_000_000)
        #expect(rules.professionalHistory == ValidationRules.default.professionalHistory)
        #expect(rules.educationLevels == ValidationRules.defaultEducationLevels)
    }

    @Test func problemsNameTheKey() {
        let rules = ValidationRules(proposal: LengthRule(minimum: 2_000, maximum: 1_600), educationStatuses: [])
        #expect(rules.problems() == ["proposal.minimum debe estar entre 0 y el máximo", "education_statuses no puede estar vacío"])
    }
}

@Suite("Whole profile completeness")
struct ProfileCompletenessTests {
    func check(
        privacy: Bool = true, curricular: CurricularQuestionnaire = Factories.completeCurricular(),
        identity: IdentityQuestionnaire? = Factories.allNoIdentity(), affirmativeAction: IdentityGroup? = nil
    ) -> CompletenessReport {
        ProfileCompleteness.check(
            privacyNoticeAccepted: privacy, curricular: curricular, identity: identity,
            candidacy: Factories.candidacy(affirmativeAction: affirmativeAction),
            catalogs: Factories.catalogs, photoReferenceDate: Factories.today)
    }

    @Test func completeProfile() {
        #expect(check().isComplete)
    }

    @Test func privacyNoticeIsRequired() {
        #expect(check(privacy: false).fields == ["profile.privacy_notice"])
    }

    @Test func identityIsMandatory() {
        #expect(check(identity: nil).fields.count == 11)
        #expect(check(identity: nil).fields.allSatisfy { $0.hasPrefix("identity.") })
    }

    @Test func affirmativeActionNeedsNoAuthorization() {
        var curricular = Factories.completeCurricular()
        curricular.publicationAuthorization = nil
        #expect(check(curricular: curricular).fields == ["curricular.publication_authorization"])
        #expect(check(curricular: curricular, affirmativeAction: .disability).isComplete)
    }
}
