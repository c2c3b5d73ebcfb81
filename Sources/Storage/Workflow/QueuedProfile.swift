import ConocelesCore
import Foundation

/// A profile waiting for staff: its candidacy, the state it waits in and since when.
public struct QueuedProfile: Sendable, Hashable {
    /// The candidacy whose profile waits.
    public var candidacy: Candidacy
    /// Its workflow state.
    public var state: ProfileState
    /// When it entered that state (the workflow's last change).
    public var since: Date
}
