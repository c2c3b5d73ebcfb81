extension ProfileState {
    /// Whether the profile still owes its capture: nothing captured (`pending`), being
    /// captured or returned with observations. The candidacies a deadline reminder lists.
    public var isMissingOrIncomplete: Bool {
        switch self {
        case .pending, .capturing, .returned: true
        default: false
        }
    }
}
