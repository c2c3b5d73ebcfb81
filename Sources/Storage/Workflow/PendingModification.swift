import ConocelesCore
import Foundation

/// A modification request awaiting staff's decision, with the candidacy it concerns and
/// the name of the account that asked for it.
public struct PendingModification: Sendable, Hashable {
    /// The request (status `pending`).
    public var request: ModificationRequest
    /// The candidacy whose published profile would change.
    public var candidacy: Candidacy
    /// Display name of the requesting account, when it is an account.
    public var requesterName: String?
}
