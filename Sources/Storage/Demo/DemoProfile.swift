import ConocelesCore
import Foundation

/// One candidacy of the demo election with everything its profile holds: its account,
/// workflow state and history, questionnaires and consent.
struct DemoProfile: Sendable {
    var candidacy: Candidacy
    var accountID: UUID
    var username: String
    var email: String
    var state: ProfileState
    var history: [ProfileTransition]
    var curricular: CurricularQuestionnaire?
    /// Whether `curricular` passes every rule (nil when there is none).
    var passesRules: Bool?
    var identity: IdentityQuestionnaire?
    var consentGranted: Bool?
    /// When the candidacy was registered (approval), and withdrawn if it was.
    var registeredAt: Date
    var withdrawnAt: Date?

    /// The time of the last thing that happened to the profile.
    var lastActivity: Date { history.last?.at ?? registeredAt }
}
