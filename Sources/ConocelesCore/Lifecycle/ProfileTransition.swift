#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The record of one workflow transition, for the append-only audit log: from which state
/// to which, by what action, who, when (passed in by the caller) and any observations.
public struct ProfileTransition: Sendable, Hashable, Codable {
    /// State before.
    public var from: ProfileState
    /// State after.
    public var to: ProfileState
    /// What was done.
    public var action: ProfileAction
    /// Who did it.
    public var actor: ProfileActor
    /// When, as the caller's clock says.
    public var at: Date
    /// Staff observations (returns and rejections), otherwise nil.
    public var observations: String?

    /// A transition record.
    public init(from: ProfileState, to: ProfileState, action: ProfileAction, actor: ProfileActor, at: Date, observations: String? = nil) {
        self.from = from
        self.to = to
        self.action = action
        self.actor = actor
        self.at = at
        self.observations = observations
    }
}
