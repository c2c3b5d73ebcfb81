import Foundation
import JobQueue

/// Arguments of `registration.ingest`: the stored event to apply. The API and the CSV
/// import enqueue it in the transaction that stores the event.
public struct IngestJob: JobArgs, Equatable {
    public static let kind = "registration.ingest"
    public let eventID: String
    /// Every event stored with this job (a group commit of the API): claimed by their ids,
    /// without scanning the pending ones. Nil for one event, or a sweep (`eventID` empty).
    public let eventIDs: [String]?

    public init(eventID: String, eventIDs: [String]? = nil) {
        self.eventID = eventID
        self.eventIDs = eventIDs
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case eventIDs = "event_ids"
    }
}

/// Arguments of `account.issue`, a step of the `candidacy-approved` pipeline (which hands
/// every step the run's arguments: `candidacy_id`, `event_id`).
public struct AccountIssueJob: JobArgs, Equatable {
    public static let kind = "account.issue"
    public let candidacyID: String
    /// The event that carried the person's contact.
    public let eventID: String

    public init(candidacyID: String, eventID: String) {
        self.candidacyID = candidacyID
        self.eventID = eventID
    }

    enum CodingKeys: String, CodingKey {
        case candidacyID = "candidacy_id"
        case eventID = "event_id"
    }
}

/// Arguments of `mail.credentials`: a step of the `candidacy-approved` pipeline (the run's
/// `candidacy_id`, `event_id`), a resend by staff, or a batch of an ingest.
public struct CredentialsMailJob: JobArgs, Equatable {
    public static let kind = "mail.credentials"
    public let candidacyID: String
    /// The event that carried the person's contact.
    public let eventID: String
    /// `mail.credentials` for another account than the candidacy's own (its party's generic
    /// account); nil for the candidacy's own.
    public let accountID: UUID?
    /// `mail.credentials` of a batch: the accounts an ingest batch created, claimed by their
    /// ids (with `candidacyID` empty).
    public let accountIDs: [UUID]?

    public init(candidacyID: String, eventID: String, accountID: UUID? = nil, accountIDs: [UUID]? = nil) {
        self.candidacyID = candidacyID
        self.eventID = eventID
        self.accountID = accountID
        self.accountIDs = accountIDs
    }

    enum CodingKeys: String, CodingKey {
        case candidacyID = "candidacy_id"
        case eventID = "event_id"
        case accountID = "account_id"
        case accountIDs = "account_ids"
    }
}
