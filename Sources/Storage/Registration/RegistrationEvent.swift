import Foundation

/// An event of the registration system (SIRC) as stored: what it says (`body`, JSON as
/// received), how it arrived, and whether it was applied, held for later or rejected.
public struct RegistrationEvent: Sendable, Hashable, Identifiable {
    /// What the event does to a candidacy.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case approval, substitution, cancellation, update
    }

    /// How the event arrived.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// Signed JSON over HTTP (`/api/v1/events`).
        case api
        /// A row of a CSV batch loaded through the CLI.
        case csv
    }

    /// Where the event stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Received, not processed yet.
        case pending
        /// Applied once; a redelivery is recognized by its id.
        case applied
        /// Kept until it can apply (a cancellation before its approval).
        case held
        /// Refused, with the reason.
        case rejected
    }

    /// The sender's event id (unique).
    public var id: String
    public var processID: String
    public var kind: Kind
    /// The candidacy the event is about (it may not exist yet).
    public var candidacyID: String
    /// The event's JSON as received.
    public var body: String
    public var source: Source
    /// HMAC-SHA256 (hex) as received; nil for CSV batches.
    public var signature: String?
    /// When the sender signed it, as it says.
    public var signedAt: Date?
    public var receivedAt: Date
    public var status: Status
    /// Why it was held or rejected (Spanish).
    public var statusReason: String?
    public var appliedAt: Date?

    /// A new event, pending, received now.
    public init(
        id: String, processID: String, kind: Kind, candidacyID: String, body: String, source: Source,
        signature: String? = nil, signedAt: Date? = nil, receivedAt: Date = Date()
    ) {
        self.id = id
        self.processID = processID
        self.kind = kind
        self.candidacyID = candidacyID
        self.body = body
        self.source = source
        self.signature = signature
        self.signedAt = signedAt
        self.receivedAt = receivedAt
        self.status = .pending
        self.statusReason = nil
        self.appliedAt = nil
    }
}
