extension ProfileLifecycle {
    /// The actions that bring a profile's state in step with its content after a candidate
    /// or representative saved it (a questionnaire, the privacy notice), in order:
    ///
    /// - `pending` or `returned`, after a change: capture starts (or resumes), and the
    ///   profile is marked complete when it now is.
    /// - `capturing`: marked complete when it now is.
    /// - `complete`, after a change that leaves it incomplete: reopened.
    /// - `authorized`, after a change: reopened (the authorization lapses), then marked
    ///   complete again when it still is, awaiting a new authorization.
    /// - `verified`, after a change (only a photo checked after the verification can change
    ///   it; the forms are closed): reopened like `authorized`, so the new photo is authorized
    ///   and verified again before it is published.
    /// - any other state (published, in modification): nothing; a modification is submitted
    ///   by the representative on purpose.
    ///
    /// - Parameters:
    ///   - state: the state before the actions.
    ///   - complete: whether the profile's completeness report is now complete.
    ///   - changed: whether the save changed the answers.
    public static func actionsAfterCapture(in state: ProfileState, complete: Bool, changed: Bool) -> [ProfileAction] {
        let completion: [ProfileAction] = complete ? [.markComplete] : []
        switch state {
        case .pending: return changed ? [.startCapture] + completion : []
        case .returned: return changed ? [.resumeCapture] + completion : []
        case .capturing: return completion
        case .complete: return changed && !complete ? [.reopen] : []
        case .authorized, .verified: return changed ? [.reopen] + completion : []
        case .published, .modificationRequested, .modifying, .modificationSubmitted, .reverified, .republished:
            return []
        }
    }
}
