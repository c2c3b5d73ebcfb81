import Foundation
import Testing
@testable import ConocelesCore

@Suite("ProfileLifecycle: what an edit implies, and which states passed the completeness check")
struct ProfileLifecycleEditTests {
    @Test func anEditMovesEveryEditableProfileBackToCapture() throws {
        for state in ProfileState.allCases {
            guard let action = ProfileLifecycle.action(onEditIn: state) else {
                // Nothing to move: already capturing (or modifying), or not editable at all.
                #expect([.capturing, .modifying].contains(state) || !state.isEditable, "\(state)")
                continue
            }
            #expect(state.isEditable, "\(state)")
            // The action is one the lifecycle allows a representative (and a candidate) there.
            for role in [ActorRole.representative, .candidate] {
                let transition = try ProfileLifecycle.transition(from: state, action: action, by: ProfileActor(role: role, id: "x"), at: Date())
                #expect(transition.to == .capturing, "\(state)")
            }
        }
    }

    @Test func onlyStatesReachedThroughTheCheckCountAsComplete() {
        #expect(ProfileState.allCases.filter(\.hasPassedCompletenessCheck) == [
            .complete, .authorized, .verified, .published, .modificationRequested, .modificationSubmitted, .reverified, .republished,
        ])
        // Authorization applies only to a state that passed the check.
        for state in ProfileState.allCases where ProfileLifecycle.target(of: .authorize, from: state) != nil {
            #expect(state.hasPassedCompletenessCheck)
        }
    }
}
