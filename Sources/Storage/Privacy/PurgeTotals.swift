import Logging

/// Sums of a purge run over many candidacies, for the job's log line and the CLI's totals.
public struct PurgeTotals: Sendable, Hashable {
    /// Candidacies with something due (dry run) or purged.
    public var candidacies = 0
    /// Of them, withdrawn ones (the rest are due to the end of the process).
    public var withdrawn = 0
    /// Identity questionnaires.
    public var identities = 0
    /// Consent documents: rows plus cleared references.
    public var consentDocuments = 0
    /// Photos.
    public var photos = 0
    /// Files removed from the blob store (real runs only).
    public var blobs = 0
    /// Original uploads of published photos.
    public var photoOriginals = 0
    /// Registration event bodies.
    public var eventBodies = 0

    /// Empty totals.
    public init() {}

    /// Counts what `item` would delete.
    public mutating func add(_ item: PurgeItem) {
        candidacies += 1
        withdrawn += item.reason == .withdrawn ? 1 : 0
        identities += item.identity ? 1 : 0
        consentDocuments += item.consentDocuments
        photos += item.photos
        photoOriginals += item.photoOriginals
        eventBodies += item.eventBodies
    }

    /// Counts what a purge deleted (a candidacy whose purge found nothing is not counted).
    public mutating func add(_ outcome: PurgeOutcome) {
        guard !outcome.isEmpty else { return }
        candidacies += 1
        withdrawn += outcome.reason == .withdrawn ? 1 : 0
        identities += outcome.identity ? 1 : 0
        consentDocuments += outcome.consentDocuments + outcome.consentReferences
        photos += outcome.photos
        blobs += outcome.blobs
        photoOriginals += outcome.photoOriginals
        eventBodies += outcome.eventBodies
    }

    /// The totals as log metadata (snake_case keys, counts only).
    public var metadata: Logger.Metadata {
        [
            "candidacies": "\(candidacies)", "withdrawn": "\(withdrawn)", "identities": "\(identities)",
            "consent_documents": "\(consentDocuments)", "photos": "\(photos)", "blobs": "\(blobs)",
            "photo_originals": "\(photoOriginals)", "event_bodies": "\(eventBodies)",
        ]
    }
}
