/// One identity group shown on a public profile, why it may be shown, and the answers
/// shown with it.
public struct PublicIdentityGroup: Sendable, Hashable, Codable {
    /// Why the group may be public.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The person gave express consent and identifies with the group.
        case consent = "consentimiento"
        /// The candidacy was registered under this group's affirmative action.
        case affirmativeAction = "accion_afirmativa"
    }

    /// One answer shown with the group ("Pueblo o comunidad indígena: Wixárika").
    public struct Detail: Sendable, Hashable, Codable {
        /// Spanish label of the question.
        public var label: String
        /// Spanish text of the answer.
        public var value: String

        /// A detail.
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    /// The group.
    public var group: IdentityGroup
    /// Why it is public.
    public var basis: Basis
    /// Answers shown with it: only with consent, never "Prefiero no contestar".
    public var details: [Detail]

    /// A public group.
    public init(group: IdentityGroup, basis: Basis, details: [Detail] = []) {
        self.group = group
        self.basis = basis
        self.details = details
    }
}
