extension ProfileLifecycle {
    /// The action that saving the questionnaires of a profile in `state` implies, so that
    /// its state says what happened: begin capture of a pending profile, resume a returned
    /// one, reopen a complete or authorized one (an authorization lapses with any change).
    /// Nil where an edit moves nothing (already capturing, or modifying after approval) or
    /// where the profile is not editable at all.
    public static func action(onEditIn state: ProfileState) -> ProfileAction? {
        switch state {
        case .pending: .startCapture
        case .returned: .resumeCapture
        case .complete, .authorized: .reopen
        case .capturing, .modifying, .verified, .published, .modificationRequested, .modificationSubmitted, .reverified,
             .republished: nil
        }
    }
}
