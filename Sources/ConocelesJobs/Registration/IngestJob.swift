import Foundation

/// Arguments of `registration.ingest`: the stored event to apply. The API and the CSV
/// import enqueue it in the transaction that stores the event.
public struct IngestJob: Codable, Sendable, Equatable {
    public static let kind = "registration.ingest"
    public let eventID: String

    public init(eventID: String) {
        self.eventID = eventID
    }

    enum CodingKeys: String, CodingKey { case eventID = "event_id" }
}

/// Arguments of the steps of the `candidacy-approved` pipeline.
public struct CandidacyJob: Codable, Sendable, Equatable {
    public let candidacyID: String
    /// The event that carried the person's contact.
    public let eventID: String
    /// `mail.credentials` for another account than the candidacy's own (its party's generic
    /// account); nil for the candidacy's own.
    public let accountID: UUID?

    public init(candidacyID: String, eventID: String, accountID: UUID? = nil) {
        self.candidacyID = candidacyID
        self.eventID = eventID
        self.accountID = accountID
    }

    enum CodingKeys: String, CodingKey {
        case candidacyID = "candidacy_id"
        case eventID = "event_id"
        case accountID = "account_id"
    }
}
