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
    /// reference a document.
    public var consentDocuments: Int
    /// Its photos (every status; their variants go with them).
    public var photos: Int

    /// An item as `due` finds it.
    public init(candidacyID: String, reason: Reason, identity: Bool, consentDocuments: Int, photos: Int) {
        self.candidacyID = candidacyID
        self.reason = reason
        self.identity = identity
        self.consentDocuments = consentDocuments
        self.photos = photos
    }
}
