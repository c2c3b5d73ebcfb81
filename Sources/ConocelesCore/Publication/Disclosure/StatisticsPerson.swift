/// One published profile as the identity statistics see it: the cell it is counted in
/// (office, party or coalition, sex: the published dimensions) and the groups it identifies
/// with. Exists only while a release is computed and, sealed, in the stored roster that the
/// next release compares against; never published.
public struct StatisticsPerson: Sendable, Hashable, Codable {
    /// The candidacy's id (to tell, between two releases, who stayed, left or arrived).
    public var id: String
    /// Spanish names of the office, the postulating entity and the sex, as the tables show them.
    public var office: String
    public var entity: String
    public var sex: String
    /// Groups the identity questionnaire says the person identifies with.
    public var groups: Set<IdentityGroup>
    /// Groups whose membership anyone can already read on the public profile: all of them
    /// when the profile shows a group by express consent (it then shows every group the
    /// person identifies with, so a group it does not show is a known "no"), and the group of
    /// the affirmative action the candidacy was registered under.
    public var disclosed: Set<IdentityGroup>

    /// A person as given.
    public init(id: String, office: String, entity: String, sex: String, groups: Set<IdentityGroup>, disclosed: Set<IdentityGroup> = []) {
        self.id = id
        self.office = office
        self.entity = entity
        self.sex = sex
        self.groups = groups
        self.disclosed = disclosed
    }

    /// The person behind a published profile that identifies with `groups`; what the profile
    /// shows decides what is disclosed. Nil for a candidacy without a published profile (the
    /// statistics count published profiles only).
    public init?(profile: PublishedProfile, groups: [IdentityGroup]) {
        guard profile.hasProfile else { return nil }
        let consented = profile.identity.contains { $0.basis == .consent }
        self.init(
            id: profile.id, office: profile.officeName, entity: profile.entityName, sex: profile.gender?.label ?? "Sin dato",
            groups: Set(groups), disclosed: consented ? Set(IdentityGroup.allCases) : Set(profile.identity.map(\.group)))
    }

    /// The value of `dimension` ("total", "cargo", "partido", "sexo") for this person.
    public func value(of dimension: String) -> String {
        switch dimension {
        case IdentityRelease.Dimension.office.rawValue: office
        case IdentityRelease.Dimension.entity.rawValue: entity
        case IdentityRelease.Dimension.sex.rawValue: sex
        default: IdentityRelease.totalLabel
        }
    }
}
