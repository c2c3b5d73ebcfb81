import Foundation

/// A request to modify a published profile, created, decided and applied by the workflow
/// transitions `solicitar_modificacion`, `aprobar_modificacion` / `rechazar_modificacion`
/// and `republicar`.
public struct ModificationRequest: Sendable, Hashable {
    /// Where the request stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pending, approved, rejected, applied
    }

    public var id: Int64
    public var candidacyID: String
    /// The reason given by the representative, if any.
    public var reason: String?
    public var requestedBy: String
    public var requestedAt: Date
    public var status: Status
    public var decidedBy: String?
    public var decidedAt: Date?
    /// Staff's observations on a rejection.
    public var observations: String?
    public var appliedAt: Date?
}
