import Foundation

/// One line of the append-only audit log, before it is written: who, when, which action on
/// which subject, and what changed. `changes` names fields, states and counts; it must
/// never hold sensitive content (identity answers, consent documents) nor free text
/// written by a person.
public struct AuditEntry: Sendable, Hashable {
    /// Who acted.
    public var actor: AuditActor
    /// Dotted action, e.g. `profile.transition`, `curricular.save`, `identity.purge`.
    public var action: String
    /// What kind of thing changed: `candidacy`, `account`, `registration_event`.
    public var subjectType: String
    /// Its id.
    public var subjectID: String
    /// The candidacy concerned, if any (for a candidacy's history).
    public var candidacyID: String?
    /// What changed, as names and values that are not sensitive.
    public var changes: [String: String]
    /// When, stored to the second (UTC); now by default.
    public var occurredAt: Date

    /// An entry; `candidacyID` defaults to `subjectID` when the subject is a candidacy.
    public init(
        actor: AuditActor, action: String, subjectType: String, subjectID: String,
        candidacyID: String? = nil, changes: [String: String] = [:], occurredAt: Date = Date()
    ) {
        self.actor = actor
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.candidacyID = candidacyID ?? (subjectType == "candidacy" ? subjectID : nil)
        self.changes = changes
        self.occurredAt = occurredAt
    }

    /// An entry about candidacy `candidacyID`.
    public static func candidacy(
        _ candidacyID: String, _ action: String, by actor: AuditActor,
        changes: [String: String] = [:], at date: Date = Date()
    ) -> AuditEntry {
        AuditEntry(
            actor: actor, action: action, subjectType: "candidacy", subjectID: candidacyID,
            changes: changes, occurredAt: date)
    }
}
