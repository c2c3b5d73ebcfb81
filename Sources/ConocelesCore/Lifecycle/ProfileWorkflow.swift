#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A profile's workflow: its current state and every transition so far, oldest first.
public struct ProfileWorkflow: Sendable, Hashable, Codable {
    /// Current state.
    public private(set) var state: ProfileState
    /// Every transition applied, oldest first.
    public private(set) var history: [ProfileTransition]

    /// A workflow in `state` (pending by default) with `history` (none by default).
    public init(state: ProfileState = .pending, history: [ProfileTransition] = []) {
        self.state = state
        self.history = history
    }

    /// Applies `action` (see `ProfileLifecycle.transition`), moving to the new state and
    /// appending the record, which it also returns. On error nothing changes.
    @discardableResult
    public mutating func apply(
        _ action: ProfileAction,
        by actor: ProfileActor,
        at date: Date,
        completeness: CompletenessReport? = nil,
        observations: String? = nil
    ) throws(ProfileTransitionError) -> ProfileTransition {
        let record = try ProfileLifecycle.transition(
            from: state, action: action, by: actor, at: date, completeness: completeness, observations: observations)
        state = record.to
        history.append(record)
        return record
    }

    /// Whether the single post-publication modification has been applied (or is under way
    /// past approval).
    public var modificationUsed: Bool {
        history.contains { $0.action == .approveModification }
    }
}
