/// Aggregated identity statistics of a publication snapshot: how many published profiles
/// identify with each group, by office, by party and by gender. Never an answer of a person:
/// rows are one dimension at a time, and a row of fewer than `minimumRowSize` profiles shows
/// no group counts at all (with two or three profiles a count would tell who answered what).
public enum IdentityStatistics {
    /// The smallest row whose group counts are shown (default 5).
    public static let minimumRowSize = 5

    /// One row: a dimension's value, its number of published profiles, and how many of them
    /// identify with each group (nil when the row is too small to show).
    public struct Row: Sendable, Hashable, Codable {
        /// "cargo", "partido" or "sexo".
        public var dimension: String
        /// The Spanish value (office, party or gender name).
        public var value: String
        public var profiles: Int
        /// Group raw value → count; nil when suppressed.
        public var counts: [String: Int]?

        public init(dimension: String, value: String, profiles: Int, counts: [String: Int]?) {
            self.dimension = dimension
            self.value = value
            self.profiles = profiles
            self.counts = counts
        }
    }

    /// Spanish names of the dimensions, in the order rows are listed.
    public static let dimensions: [(key: String, label: String)] = [("cargo", "Cargo"), ("partido", "Partido o coalición"), ("sexo", "Sexo")]

    /// The rows for `entries`: each published profile with the groups its identity
    /// questionnaire says it identifies with (empty when unanswered).
    public static func rows(_ entries: [(profile: PublishedProfile, groups: [IdentityGroup])]) -> [Row] {
        var rows: [Row] = []
        for (dimension, _) in dimensions {
            var order: [String] = []
            var byValue: [String: (profiles: Int, counts: [String: Int])] = [:]
            for entry in entries where entry.profile.hasProfile {
                let value = switch dimension {
                case "cargo": entry.profile.officeName
                case "partido": entry.profile.entityName
                default: entry.profile.gender?.label ?? ""
                }
                if byValue[value] == nil { order.append(value) }
                var current = byValue[value] ?? (0, [:])
                current.profiles += 1
                for group in entry.groups { current.counts[group.rawValue, default: 0] += 1 }
                byValue[value] = current
            }
            for value in order {
                let (profiles, counts) = byValue[value]!
                let complete = Dictionary(uniqueKeysWithValues: IdentityGroup.allCases.map { ($0.rawValue, counts[$0.rawValue] ?? 0) })
                rows.append(Row(dimension: dimension, value: value, profiles: profiles,
                                counts: profiles >= minimumRowSize ? complete : nil))
            }
        }
        return rows
    }
}
