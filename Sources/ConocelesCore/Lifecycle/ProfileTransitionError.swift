/// Why a workflow transition was refused: a stable English code for the API and logs,
/// and a Spanish message for the person.
public struct ProfileTransitionError: Error, Sendable, Hashable {
    /// Stable codes; the web layer maps them to HTTP status (409 for state, 403 for actor,
    /// 422 for the rest).
    public enum Code: String, Sendable, Hashable, Codable {
        /// The action does not apply to the profile's current state.
        case transitionNotAllowed = "transition_not_allowed"
        /// The actor's role may not do this action.
        case actorNotAllowed = "actor_not_allowed"
        /// The completeness check has issues.
        case profileIncomplete = "profile_incomplete"
        /// Returning or rejecting needs observations.
        case observationsRequired = "observations_required"
        /// The single post-publication modification was already used.
        case modificationExhausted = "modification_exhausted"
    }

    /// What went wrong.
    public let code: Code
    /// Spanish message.
    public let message: String
    /// The state the profile was in.
    public let state: ProfileState
    /// The action attempted.
    public let action: ProfileAction
    /// The role that attempted it.
    public let role: ActorRole

    /// An error with `code` and `message` for `action` by `role` in `state`.
    public init(code: Code, message: String, state: ProfileState, action: ProfileAction, role: ActorRole) {
        self.code = code
        self.message = message
        self.state = state
        self.action = action
        self.role = role
    }
}

extension ProfileTransitionError: CustomStringConvertible {
    /// `code: message (state, action, role)`, for logs.
    public var description: String { "\(code.rawValue): \(message) (\(state.rawValue), \(action.rawValue), \(role.rawValue))" }
}
