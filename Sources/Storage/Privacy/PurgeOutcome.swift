/// What `SensitiveDataPurge.purge` deleted for one candidacy: counts of each kind, never
/// content. All zero when there was nothing left (a second run).
public struct PurgeOutcome: Sendable, Hashable {
    /// The candidacy.
    public var candidacyID: String
    /// Why its data went.
    public var reason: PurgeItem.Reason
    /// Whether the identity questionnaire was deleted.
    public var identity: Bool
    /// `consent_documents` rows deleted.
    public var consentDocuments: Int
    /// Consent records whose document reference was cleared (the decisions stay).
    public var consentReferences: Int
    /// Photo rows deleted.
    public var photos: Int
    /// Photo variant rows deleted with them.
    public var photoVariants: Int
    /// Files removed from the blob store (those no remaining row references).
    public var blobs: Int
    /// Published photos whose original upload was deleted (their rows stay, marked).
    public var photoOriginals = 0
    /// Registration event bodies reduced to their identifiers.
    public var eventBodies = 0

    /// Whether anything was deleted.
    public var isEmpty: Bool {
        !identity && consentDocuments == 0 && consentReferences == 0 && photos == 0 && photoVariants == 0 && blobs == 0
            && photoOriginals == 0 && eventBodies == 0
    }
}
