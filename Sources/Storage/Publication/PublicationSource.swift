import ConocelesCore
import Foundation

/// What `publication.rebuild` reads of one approved, active candidacy: the candidacy, its
/// profile's state, the last published curricular version with its dates, the published
/// photo variant of the photo that version references, the consent in force and the sealed
/// identity answers (opened only by the builder, to keep what may be public).
public struct PublicationSource: Sendable {
    public var candidacy: Candidacy
    public var state: ProfileState
    /// The last published curricular questionnaire; nil before the first publication.
    public var published: CurricularQuestionnaire?
    /// Local dates (process time zone) of the first `publicar` and the last `republicar`.
    public var publishedOn: LocalDate?
    public var republishedOn: LocalDate?
    /// The `published` variant of the photo the published questionnaire references.
    public var photo: StoredPhotoVariant?
    public var consent: IdentityConsent
    /// Whether the consent in force was recorded from a signed express-consent form.
    public var consentBySignedForm: Bool
    /// The identity questionnaire as stored (never decrypted here); nil when never saved.
    public var sealedIdentity: SealedValue?
    /// Whether the stored answers are the revision the last publication verified: only then
    /// may they appear on the public profile (they feed the statistics either way).
    public var identityIsPublished: Bool
}
