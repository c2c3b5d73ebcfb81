#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The profile workflow's rules: which action moves which state where, who may do it,
/// and the checks it needs. Pure: the caller passes the time and the completeness report.
public enum ProfileLifecycle {
    /// The state `action` leads to from `state`, or nil when it does not apply there.
    public static func target(of action: ProfileAction, from state: ProfileState) -> ProfileState? {
        switch (action, state) {
        case (.startCapture, .pending): .capturing
        case (.markComplete, .capturing): .complete
        case (.reopen, .complete), (.reopen, .authorized), (.reopen, .verified): .capturing
        case (.authorize, .complete): .authorized
        case (.verify, .authorized): .verified
        case (.returnWithObservations, .authorized), (.returnWithObservations, .verified): .returned
        case (.returnWithObservations, .modificationSubmitted), (.returnWithObservations, .reverified): .modifying
        case (.resumeCapture, .returned): .capturing
        case (.publish, .verified): .published
        case (.requestModification, .published): .modificationRequested
        case (.approveModification, .modificationRequested): .modifying
        case (.rejectModification, .modificationRequested): .published
        case (.submitModification, .modifying): .modificationSubmitted
        case (.reverify, .modificationSubmitted): .reverified
        case (.republish, .reverified): .republished
        default: nil
        }
    }

    /// The roles that may do `action`.
    public static func roles(allowedFor action: ProfileAction) -> Set<ActorRole> {
        switch action {
        case .startCapture, .resumeCapture: [.candidate, .representative]
        case .markComplete, .reopen: [.candidate, .representative, .system]
        case .authorize, .requestModification, .submitModification: [.representative]
        case .verify, .returnWithObservations, .approveModification, .rejectModification, .reverify: [.staff]
        case .publish, .republish: [.staff, .system]
        }
    }

    /// Whether `action` needs a complete `CompletenessReport`.
    public static func requiresCompleteness(_ action: ProfileAction) -> Bool {
        action == .markComplete || action == .submitModification
    }

    /// Whether `action` needs observations.
    public static func requiresObservations(_ action: ProfileAction) -> Bool {
        action == .returnWithObservations || action == .rejectModification
    }

    /// The actions `role` may take on a profile in `state` (what a page offers as buttons).
    public static func actions(availableTo role: ActorRole, in state: ProfileState) -> [ProfileAction] {
        ProfileAction.allCases.filter { target(of: $0, from: state) != nil && roles(allowedFor: $0).contains(role) }
    }

    /// Applies `action` by `actor` to a profile in `state` at `date`, returning the record
    /// to append to the audit log.
    ///
    /// - Parameters:
    ///   - completeness: the current report; required (and must be complete) for
    ///     `markComplete` and `submitModification`.
    ///   - observations: staff's observations; required for returns and rejections.
    /// - Throws: `ProfileTransitionError`, checked in this order: the action applies to the
    ///   state (`modification_exhausted` for a second modification), the role may do it,
    ///   observations, completeness.
    public static func transition(
        from state: ProfileState,
        action: ProfileAction,
        by actor: ProfileActor,
        at date: Date,
        completeness: CompletenessReport? = nil,
        observations: String? = nil
    ) throws(ProfileTransitionError) -> ProfileTransition {
        func refuse(_ code: ProfileTransitionError.Code, _ message: String) -> ProfileTransitionError {
            ProfileTransitionError(code: code, message: message, state: state, action: action, role: actor.role)
        }
        guard let next = target(of: action, from: state) else {
            if action == .requestModification && state == .republished {
                throw refuse(
                    .modificationExhausted,
                    "Este perfil ya se modificó una vez después de publicarse; no admite otra modificación.")
            }
            throw refuse(.transitionNotAllowed, "No se puede \(action.label) un perfil en estado «\(state.label)».")
        }
        let allowed = roles(allowedFor: action)
        guard allowed.contains(actor.role) else {
            let who = ActorRole.allCases.filter(allowed.contains).map(\.label).joined(separator: " o ")
            throw refuse(.actorNotAllowed, "Solo \(who) puede \(action.label).")
        }
        var kept: String?
        if requiresObservations(action) {
            guard let observations, !observations.isBlank else {
                throw refuse(.observationsRequired, "Escriba las observaciones para \(action.label).")
            }
            kept = observations.trimmedOfWhiteSpace
        }
        if requiresCompleteness(action) {
            guard let completeness else {
                throw refuse(.profileIncomplete, "No se pudo comprobar que el perfil esté completo.")
            }
            guard completeness.isComplete else {
                throw refuse(.profileIncomplete, "El perfil no está completo. \(completeness.summary)")
            }
        }
        return ProfileTransition(from: state, to: next, action: action, actor: actor, at: date, observations: kept)
    }
}
