/// The identity statistics as published: for each table (the total, by office, by party or
/// coalition, by sex) its rows, each with its number of published profiles and, per group,
/// how many of them identify with it, or nil when the count is reserved. Built only by
/// `DisclosureControl`, which guarantees that no shown count is between 1 and 4 and that no
/// reserved count can be worked out from the shown ones (docs/STATISTICS.md). Every output
/// (page, API, open data, export, staff reports) shows this and nothing else.
public struct IdentityRelease: Sendable, Hashable, Codable {
    /// A published table.
    public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable {
        case total = "total"
        case office = "cargo"
        case entity = "partido"
        case sex = "sexo"

        /// Spanish name of the table's first column.
        public var label: String {
            switch self {
            case .total: "Total"
            case .office: "Cargo"
            case .entity: "Partido o coalición"
            case .sex: "Sexo"
            }
        }
    }

    /// One row of a table.
    public struct Row: Sendable, Hashable, Codable {
        /// The table: "total", "cargo", "partido" or "sexo".
        public var dimension: String
        /// The office, party or sex ("Total" in the total table).
        public var value: String
        /// Published profiles in the row (public anyway: each profile shows its office, party and sex).
        public var profiles: Int
        /// Group raw value → profiles that identify with it; nil when reserved.
        public var counts: [String: Int?]

        /// A row as given.
        public init(dimension: String, value: String, profiles: Int, counts: [String: Int?]) {
            self.dimension = dimension
            self.value = value
            self.profiles = profiles
            self.counts = counts
        }

        /// The count of `group`, nil when reserved.
        public func count(_ group: IdentityGroup) -> Int? { counts[group.rawValue] ?? nil }

        /// The groups whose count is reserved, in `IdentityGroup` order.
        public var reserved: [IdentityGroup] { IdentityGroup.allCases.filter { count($0) == nil } }
    }

    /// The smallest count shown: 1 to 4 is never shown (the threshold rule).
    public static let threshold = 5
    /// What a reserved count reads in every output (one mark for every reserved count: telling
    /// the counts under 5 from those reserved to protect them would say which ones are small).
    public static let reservedText = "menos de 5 o reservado"
    /// The value of the total table's only row.
    public static let totalLabel = "Total"

    /// The rows, table by table in `Dimension` order.
    public var rows: [Row]

    /// A release of `rows`.
    public init(rows: [Row] = []) {
        self.rows = rows
    }

    /// The rows of `dimension`.
    public func rows(_ dimension: Dimension) -> [Row] { rows.filter { $0.dimension == dimension.rawValue } }

    /// Profiles counted (the total row's).
    public var profiles: Int { rows(.total).first?.profiles ?? 0 }
}
