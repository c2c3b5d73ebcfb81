import Foundation
import JobQueue

/// Arguments of `mail.password_reset`: the account that asked for a new password.
public struct PasswordResetMailJob: JobArgs, Equatable {
    public static let kind = "mail.password_reset"
    public let accountID: UUID
    public init(accountID: UUID) { self.accountID = accountID }
    enum CodingKeys: String, CodingKey { case accountID = "account_id" }
}

/// Arguments of `sessions.purge` (cron): how long sign-in attempts are kept.
public struct SessionPurgeJob: JobArgs {
    public static let kind = "sessions.purge"
    /// Days sign-in attempts are kept (default 30).
    public var attemptRetentionDays: Int?
    public init(attemptRetentionDays: Int? = nil) { self.attemptRetentionDays = attemptRetentionDays }
    enum CodingKeys: String, CodingKey { case attemptRetentionDays = "attempt_retention_days" }
}

/// Arguments of `mail.bounces` (cron): none.
public struct BounceReaderJob: JobArgs, Equatable {
    public static let kind = "mail.bounces"
    public init() {}
}

/// Arguments of `mail.profile_returned`: the candidacy whose profile staff returned.
public struct ProfileReturnedMailJob: JobArgs, Equatable {
    public static let kind = "mail.profile_returned"
    public let candidacyID: String
    /// When the return happened (picks the transition when a profile was returned twice).
    public let returnedAt: Date

    public init(candidacyID: String, returnedAt: Date) {
        self.candidacyID = candidacyID
        self.returnedAt = returnedAt
    }

    enum CodingKeys: String, CodingKey {
        case candidacyID = "candidacy_id"
        case returnedAt = "returned_at"
    }
}
