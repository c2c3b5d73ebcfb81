/// A candidacy whose sensitive data are due for deletion, and what it still holds: the
/// answer of `SensitiveDataPurge.due`, the input of `SensitiveDataPurge.purge`.
public struct PurgeItem: Sendable, Hashable, Codable {
    /// Why the candidacy's data go.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// Substituted or cancelled for at least `retention.sensitive_data_days`.
        case withdrawn
        /// The process is over (`retention.everyone_days_after_election` after election day).
        case endOfProcess = "end_of_process"

        /// Spanish label for people (CLI, reports).
        public var label: String {
            switch self {
            case .withdrawn: "sustituida o cancelada"
            case .endOfProcess: "fin del proceso"
            }
        }
    }

    /// The candidacy.
    public var candidacyID: String
    /// Why now.
    public var reason: Reason
    /// Whether its identity questionnaire (sealed answers) is still stored.
    public var identity: Bool
    /// Its signed consent documents: `consent_documents` rows plus consent records that still
    /// reference a document; 0 while their own retention keeps them.
    public var consentDocuments: Int
    /// Whether the signed consent documents go with the rest (their retention,
    /// `retention.consent_documents_days`, is over); when false they stay, with the consent
    /// records' references to them.
    public var includesConsentDocuments: Bool
    /// Its photos (every status; their variants go with them).
    public var photos: Int
    /// Original uploads of the published photo whose files go (the re-encoded variants,
    /// without EXIF, stay): at the end of the process.
    public var photoOriginals: Int
    /// Registration event bodies reduced to their identifiers: a withdrawn candidacy's.
    public var eventBodies: Int

    /// An item as `due` finds it.
    public init(
        candidacyID: String, reason: Reason, identity: Bool, consentDocuments: Int, photos: Int,
        includesConsentDocuments: Bool = true, photoOriginals: Int = 0, eventBodies: Int = 0
    ) {
        self.candidacyID = candidacyID
        self.reason = reason
        self.identity = identity
        self.consentDocuments = consentDocuments
        self.photos = photos
        self.includesConsentDocuments = includesConsentDocuments
        self.photoOriginals = photoOriginals
        self.eventBodies = eventBodies
    }
}
