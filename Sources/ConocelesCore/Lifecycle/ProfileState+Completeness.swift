extension ProfileState {
    /// Whether a profile in this state has passed the completeness check: it was marked
    /// complete (or its modification submitted) and has not been reopened since. Lists show
    /// it without re-checking every profile; the check itself stays `ProfileCompleteness`.
    public var hasPassedCompletenessCheck: Bool {
        switch self {
        case .complete, .authorized, .verified, .published, .modificationRequested, .modificationSubmitted, .reverified, .republished: true
        case .pending, .capturing, .returned, .modifying: false
        }
    }
}
