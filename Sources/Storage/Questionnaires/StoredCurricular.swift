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
    /// The version on the public profile, if one was published.
    public var published: CurricularQuestionnaire?
    /// When it was published.
    public var publishedAt: Date?
}
