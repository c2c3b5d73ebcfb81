import Foundation
import Testing
@testable import ConocelesCore

@Suite("Drafts: what stops a save, and the workflow after it")
struct DraftAndCaptureTests {
    @Test("A curricular draft may be incomplete but not wrong")
    func curricularDraft() {
        #expect(CurricularQuestionnaire().draftIssues().isComplete)
        var draft = CurricularQuestionnaire(professionalHistory: "Breve.", publicationAuthorization: false)
        #expect(draft.draftIssues().isComplete)
        draft.firstProposal = Factories.text(1_601)
        draft.contact.emails = ["mal@"]
        draft.contact.phones = ["123"]
        draft.contact.webPage = "no es una página"
        draft.maximumDegree = "sin_estudios"
        draft.degreeStatus = "concluido"
        draft.otherTraining = [Factories.text(251)]
        let issues = draft.draftIssues()
        #expect(Set(issues.issues.map(\.code)) == [.tooLong, .invalidEmail, .invalidPhone, .invalidURL, .notApplicableExpected])
        #expect(issues.fields.count == 6)
        var oldPhoto = Factories.completeCurricular()
        oldPhoto.photo?.byteCount = 10_000_000
        #expect(oldPhoto.draftIssues().isComplete)
    }

    @Test("An identity draft may leave questions unanswered, not a follow-up after «Sí»")
    func identityDraft() {
        #expect(IdentityQuestionnaire().draftIssues(catalogs: Factories.catalogs).isComplete)
        var draft = IdentityQuestionnaire(disability: DisabilitySection(hasDisability: .yes))
        #expect(
            draft.draftIssues(catalogs: Factories.catalogs).fields == [
                DisabilitySection.Field.duration.id, DisabilitySection.Field.types.id, DisabilitySection.Field.difficulties.id,
            ])
        draft = Factories.allYesIdentity()
        draft.youth = nil
        draft.stateOfBirth = .entry(key: "99")
        draft.sexualDiversity.identity = .answered(Choice(.other))
        let issues = draft.draftIssues(catalogs: Factories.catalogs).issues
        #expect(issues.map(\.code) == [.otherTextMissing, .notInCatalog])
    }

    @Test(
        "The workflow follows a save",
        arguments: [
            (ProfileState.pending, false, true, [ProfileAction.startCapture]),
            (.pending, true, true, [.startCapture, .markComplete]),
            (.pending, false, false, []),
            (.returned, false, true, [.resumeCapture]),
            (.capturing, false, true, []),
            (.capturing, true, false, [.markComplete]),
            (.complete, true, true, []),
            (.complete, false, true, [.reopen]),
            (.authorized, true, false, []),
            (.authorized, true, true, [.reopen, .markComplete]),
            (.modifying, true, true, []),
            (.published, true, true, []),
        ])
    func actionsAfterCapture(_ state: ProfileState, _ complete: Bool, _ changed: Bool, _ expected: [ProfileAction]) throws {
        let actions = ProfileLifecycle.actionsAfterCapture(in: state, complete: complete, changed: changed)
        #expect(actions == expected)
        // Every action applies in turn, by the candidate.
        var workflow = ProfileWorkflow(state: state)
        let report =
            complete
            ? CompletenessReport()
            : CompletenessReport(issues: [
                FieldIssue(field: "x", label: "x", code: .missing, message: "x")
            ])
        for action in actions {
            try workflow.apply(action, by: ProfileActor(role: .candidate, id: "c"), at: Factories.at, completeness: report)
        }
    }
}
