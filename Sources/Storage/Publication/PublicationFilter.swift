import ConocelesCore

/// The public search's filters; nil means "any". Values are the snapshot's keys (office
/// code, entity kind and code, INEGI municipality key, gender and education keys).
public struct PublicationFilter: Sendable, Hashable {
    /// Part of the name, compared without case or accents.
    public var name: String?
    public var officeCode: String?
    /// A kind ("independiente") or a kind and code ("partido:PAN").
    public var entity: String?
    public var district: Int?
    public var municipality: String?
    public var gender: Gender?
    public var education: String?
    /// Inclusive age bounds.
    public var minimumAge: Int?
    public var maximumAge: Int?
    /// A group's raw value, or "cualquiera" for any affirmative action.
    public var affirmativeAction: String?

    /// A filter; empty by default.
    public init(
        name: String? = nil, officeCode: String? = nil, entity: String? = nil, district: Int? = nil, municipality: String? = nil,
        gender: Gender? = nil, education: String? = nil, minimumAge: Int? = nil, maximumAge: Int? = nil, affirmativeAction: String? = nil
    ) {
        self.name = name
        self.officeCode = officeCode
        self.entity = entity
        self.district = district
        self.municipality = municipality
        self.gender = gender
        self.education = education
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
        self.affirmativeAction = affirmativeAction
    }
}

/// One page of search results and the snapshot they come from.
public struct PublicationPage: Sendable {
    /// The snapshot's version (0 when nothing has been published yet).
    public var version: Int64
    /// Matches in all pages.
    public var total: Int
    public var profiles: [PublishedProfile]
}

/// One row of the public compliance table: of a party (or coalition, or independent
/// candidacy) and an office, how many approved candidacies have a published profile.
public struct ComplianceRow: Sendable, Hashable, Codable {
    public var entityName: String
    public var officeName: String
    public var approved: Int
    public var published: Int
}
