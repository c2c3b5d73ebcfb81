import ConocelesCore
import Foundation

/// An account as stored, without secrets: neither the password hash nor the token hash.
public struct Account: Sendable, Hashable, Identifiable {
    /// Primary key.
    public var id: UUID
    /// Login name (lowercase letters, digits, `.`, `_`, `-`).
    public var username: String
    /// Where credentials and notices are sent.
    public var email: String
    /// Name shown in the interface.
    public var displayName: String
    /// What the account may do.
    public var role: AccountRole
    /// The process it belongs to (nil for staff across processes).
    public var processID: String?
    /// The candidacy of a candidate account.
    public var candidacyID: String?
    /// The entity of a representative account.
    public var entity: PostulatingEntity?
    /// Until when the pending activation link works, if one is pending.
    public var activationExpiresAt: Date?
    /// When the account was activated (password set), if it was.
    public var activatedAt: Date?
    /// When the credentials e-mail was sent, if it was (3-day deadline monitoring).
    public var credentialsSentAt: Date?
    /// When the account was disabled (candidacy withdrawn, staff left), if it was.
    public var disabledAt: Date?
    /// Creation time.
    public var createdAt: Date

    /// Whether the account may log in: activated and not disabled.
    public var isUsable: Bool { activatedAt != nil && disabledAt == nil }
}
