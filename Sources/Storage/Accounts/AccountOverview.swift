import Foundation

/// One line of the staff's accounts page: an approved candidacy with its account (or none
/// yet), or the generic account of a party, coalition or independent candidacy.
public struct AccountOverviewRow: Sendable, Hashable {
    /// The account, nil when the candidacy has none yet.
    public var accountID: UUID?
    /// Login name, nil without an account.
    public var username: String?
    /// The candidate role for a candidacy's line, the representative role for an entity's.
    public var role: AccountRole
    /// The candidacy of a candidate line.
    public var candidacyID: String?
    /// The candidate's name or the account's display name.
    public var holderName: String
    /// Party, coalition or independent candidacy code.
    public var entityCode: String
    /// When the account was created (credentials issued), if it was.
    public var issuedAt: Date?
    /// When the credentials e-mail went out, if it did.
    public var credentialsSentAt: Date?
    /// When the person chose a password, if they did.
    public var activatedAt: Date?
    /// The mail server's reply when a message to the account was refused for its address.
    public var mailFailure: String? = nil
}

/// Which lines of the accounts page to show.
public enum AccountOverviewFilter: String, Sendable, Hashable, CaseIterable {
    /// Every line.
    case all = "todas"
    /// Not activated yet (no account, credentials not sent, or sent but not used).
    case pending = "pendientes"
    /// Candidacies late against the credentials deadline (`AccountDeadlines.late`).
    case late = "atrasadas"
    /// Activated accounts.
    case activated = "activadas"
}

/// Totals of the accounts page.
public struct AccountOverviewTotals: Sendable, Hashable {
    /// Lines (approved candidacies plus live generic accounts).
    public var lines: Int
    /// Lines with an account.
    public var issued: Int
    /// Lines whose credentials were sent.
    public var sent: Int
    /// Lines whose account is activated.
    public var activated: Int
}

/// An account whose credentials e-mail can be (re)sent: the candidacy and the registration
/// event `mail.credentials` takes as its arguments (for a generic account, one approved
/// candidacy of its entity).
public struct CredentialsTarget: Sendable, Hashable {
    /// The account to e-mail.
    public var accountID: UUID
    /// The candidacy the e-mail speaks of (its own, or one of the generic account's entity).
    public var candidacyID: String
    /// That candidacy's latest applied registration event.
    public var eventID: String
    /// Whether it is a generic (representative) account rather than the candidacy's own.
    public var isGeneric: Bool
}
