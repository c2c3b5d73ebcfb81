/// How a candidacy appears in public outputs (portal, open data, static export).
public enum CandidacyVisibility: String, Sendable, Hashable, Codable {
    /// Not at all: substituted or cancelled.
    case hidden = "oculta"
    /// Listed with name, office and party, and "No proporcionó" for the profile: an
    /// active candidacy whose profile has not been published yet.
    case listedWithoutProfile = "sin_perfil"
    /// Listed with its last published profile.
    case profilePublished = "perfil_publicado"
}
