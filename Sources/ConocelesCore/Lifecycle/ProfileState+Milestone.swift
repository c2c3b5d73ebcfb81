extension ProfileState {
    /// The furthest step of the capture → publication path a profile in this state has
    /// reached, as compliance monitoring counts it: a published profile also counts as
    /// verified, authorized, complete and captured, including while its one modification is
    /// under way (its published version stays public); a profile returned with
    /// observations is back to captured.
    public var milestone: ProfileMilestone {
        switch self {
        case .pending: .none
        case .capturing, .returned: .captured
        case .complete: .complete
        case .authorized: .authorized
        case .verified: .verified
        case .published, .modificationRequested, .modifying, .modificationSubmitted, .reverified, .republished: .published
        }
    }

    /// Every state whose milestone is `milestone` or a later one.
    public static func reaching(_ milestone: ProfileMilestone) -> [ProfileState] {
        allCases.filter { $0.milestone >= milestone }
    }
}

/// A step of the path from no data to a published profile, in order.
public enum ProfileMilestone: Int, Sendable, Hashable, Comparable, CaseIterable {
    case none, captured, complete, authorized, verified, published

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
