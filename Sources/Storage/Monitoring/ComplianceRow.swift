import Foundation
import ConocelesCore

/// The compliance counts of one group of candidacies: a postulating entity or an office.
public struct ComplianceRow: Sendable, Hashable {
    /// What the row counts.
    public enum Group: Sendable, Hashable {
        case entity(PostulatingEntity)
        case office(code: String)
    }

    public let group: Group
    /// Candidacies counted by each indicator (every indicator present, zero included).
    public let counts: [ComplianceIndicator: Int]

    public init(group: Group, counts: [ComplianceIndicator: Int]) {
        self.group = group
        self.counts = counts
    }

    /// The count of `indicator`.
    public subscript(_ indicator: ComplianceIndicator) -> Int { counts[indicator] ?? 0 }
}

/// One candidacy of a compliance drill-down list.
public struct ComplianceCandidacy: Sendable, Hashable {
    public let id: String
    public let fullName: String
    public let officeCode: String
    public let entity: PostulatingEntity
    public let state: ProfileState
    /// When its account's credentials were sent, nil when not yet.
    public let credentialsSentAt: Date?
}

/// Which candidacies the dashboard looks at, and the deadlines it judges them by.
public struct ComplianceScope: Sendable, Hashable {
    public let processID: String
    /// IANA time zone of the process (deadlines count natural days there).
    public let timeZone: String
    /// `deadlines.accounts_sent_days` of the process file.
    public let accountsSentDays: Int
    /// `deadlines.substitute_capture_days` of the process file.
    public let substituteCaptureDays: Int
    /// Only candidacies for this office, when set.
    public var officeCode: String?
    /// Only candidacies of this party, coalition or independent candidacy, when set.
    public var entity: PostulatingEntity?

    public init(process: ElectionProcess, officeCode: String? = nil, entity: PostulatingEntity? = nil) {
        processID = process.id
        timeZone = process.timeZone
        accountsSentDays = process.deadlines.accountsSentDays
        substituteCaptureDays = process.deadlines.substituteCaptureDays
        self.officeCode = officeCode
        self.entity = entity
    }
}
