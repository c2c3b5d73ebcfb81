extension ProfileState {
    /// Whether the profile, never published, still waits on its party: nothing captured
    /// (`pending`), being captured, returned with observations, or complete and awaiting the
    /// representative's authorization. The candidacies a deadline reminder lists (profiles
    /// authorized or verified wait on staff, not on the party).
    public var isMissingOrIncomplete: Bool {
        switch self {
        case .pending, .capturing, .returned, .complete: true
        default: false
        }
    }
}
