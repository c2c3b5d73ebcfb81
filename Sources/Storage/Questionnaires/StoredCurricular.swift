import ConocelesCore
import Foundation

/// A candidacy's curricular questionnaire as stored: the answers being captured, their
/// revision, and the version last published (public while a modification is under way).
public struct StoredCurricular: Sendable, Hashable {
    /// The answers as last saved.
    public var answers: CurricularQuestionnaire
    /// Increases with every save.
    public var revision: Int
    /// When last saved.
    public var updatedAt: Date
    /// Who last saved (the audit actor's id: an account's UUID, or a system name).
    public var updatedBy: String = ""
    /// The version on the public profile, if one was published.
    public var published: CurricularQuestionnaire?
    /// When it was published.
    public var publishedAt: Date?
}
