/// An event from the registration system (SIRC): a candidacy approved, updated, substituted
/// or cancelled. Arrives signed over HTTP (`POST /api/v1/events`) or in a CSV batch; each
/// has an id and is applied once, in any order.
public struct CandidacyEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case approved = "candidacy.approved"
        case updated = "candidacy.updated"
        case substituted = "candidacy.substituted"
        case cancelled = "candidacy.cancelled"
    }

    /// The sender's unique id; the same id twice is the same event.
    public let id: String
    public let kind: Kind
    /// When it happened in the registration system (ISO 8601 text, as sent).
    public let occurredAt: String
    /// The candidacy the event is about: the approved or updated one, the one cancelled,
    /// or the one that replaces another (`substituted`).
    public let candidacyID: String
    /// The full candidacy (approved, updated, substituted).
    public let candidacy: Candidacy?
    /// `substituted`: the candidacy that is replaced.
    public let replacesCandidacyID: String?
    /// Where the person receives the account (approved, updated, substituted).
    public let contact: RegistrationContact?

    public init(
        id: String, kind: Kind, occurredAt: String, candidacyID: String, candidacy: Candidacy? = nil,
        replacesCandidacyID: String? = nil, contact: RegistrationContact? = nil
    ) {
        self.id = id
        self.kind = kind
        self.occurredAt = occurredAt
        self.candidacyID = candidacyID
        self.candidacy = candidacy
        self.replacesCandidacyID = replacesCandidacyID
        self.contact = contact
    }
}

/// The person's private contact for account delivery (never published).
public struct RegistrationContact: Sendable, Hashable, Codable {
    public let email: String
    public let phone: String?

    public init(email: String, phone: String? = nil) {
        self.email = email
        self.phone = phone
    }
}

/// A field of an incoming event that is missing or wrong: JSON path, stable code, Spanish message.
public struct EventFieldError: Sendable, Hashable, Codable {
    public let field: String
    public let code: String
    public let message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// Every problem of an event that could not be read.
public struct EventValidationErrors: Error, Sendable, Hashable {
    public let fields: [EventFieldError]

    public init(fields: [EventFieldError]) {
        self.fields = fields
    }
}
