/// Statistical disclosure control of the identity statistics (docs/STATISTICS.md): turns the
/// people counted (`StatisticsPerson`, never published) into the published tables
/// (`IdentityRelease`). No I/O.
///
/// For each group, every table (total, by office, by party, by sex) is a margin of the same
/// people, and anyone can see each profile's office, party and sex and the groups shown with
/// consent. The rule, applied group by group:
/// 1. **Threshold**: a count is reserved when it is 1 to 4, or when the people in the row who
///    identify with the group and have not made it public number 1 to 4 (with consenting
///    profiles around, that is what a count really says about the others).
/// 2. **Proof for every reserved count and every person**: for each reserved count, and for
///    each person who identifies with the group without having made it public, the rule
///    looks for a *witness*: a change of the answers (one person, a pair, or two pairs) that
///    keeps every shown count of this release, and of the previous one, as it is, and that
///    changes the reserved count (or clears that person's answer). Any shown count the best
///    change would alter is reserved too (complementary suppression). With a witness, the
///    published numbers are equally true of two different data sets, so neither the reserved
///    count nor that person's answer can be worked out from them, by subtraction or by any
///    other combination.
/// 3. **Two releases together**: with `previous`, the people of the previous release and
///    its shown counts are part of the same system, so a witness must also keep the previous
///    release's numbers; reserved counts of the previous release and the people who left are
///    protected as well (differencing two releases that differ by a few profiles).
///
/// The witnesses come with the release and `check` verifies them against the data, so a
/// release carries the proof of its own safety.
public enum DisclosureControl {
    /// The release before this one and the people it counted.
    public struct Previous: Sendable, Hashable, Codable {
        public var persons: [StatisticsPerson]
        public var release: IdentityRelease

        /// The previous release of `persons`.
        public init(persons: [StatisticsPerson], release: IdentityRelease) {
            self.persons = persons
            self.release = release
        }
    }

    /// One answer changed by a witness: `personID`'s membership in the witness's group flipped
    /// in the previous release's people, the current ones, or both (someone counted in both
    /// with the same answer).
    public struct Flip: Sendable, Hashable {
        public var personID: String
        public var inPrevious: Bool
        public var inCurrent: Bool
    }

    /// A change of the answers that keeps every shown count of both releases and changes
    /// `target`: `"actual|cargo|Gubernatura"` or `"anterior|…"` for a reserved count of the
    /// current or previous release, `"persona|<id>"` for a person's answer.
    public struct Witness: Sendable, Hashable {
        public var group: IdentityGroup
        public var target: String
        public var flips: [Flip]
    }

    /// A release, the witnesses that prove it, and what could not be proven (should be
    /// empty: only possible when the previous release alone already showed it).
    public struct Outcome: Sendable {
        public var release: IdentityRelease
        public var witnesses: [Witness]
        public var unprotected: [String]
    }

    /// The release of `persons`, protected together with `previous` when given.
    public static func release(_ persons: [StatisticsPerson], previous: Previous? = nil) -> Outcome {
        var rows: [IdentityRelease.Row] = []
        var rowIndex: [String: Int] = [:]
        for dimension in IdentityRelease.Dimension.allCases {
            let values = dimension == .total ? [IdentityRelease.totalLabel] : persons.map { $0.value(of: dimension.rawValue) }
            for value in values {
                let key = GroupProblem.key(dimension.rawValue, value)
                if let index = rowIndex[key] { rows[index].profiles += dimension == .total ? 0 : 1; continue }
                rowIndex[key] = rows.count
                rows.append(
                    IdentityRelease.Row(
                        dimension: dimension.rawValue, value: value,
                        profiles: dimension == .total ? persons.count : 1, counts: [:]))
            }
        }
        var witnesses: [Witness] = []
        var unprotected: [String] = []
        for group in IdentityGroup.allCases {
            var problem = GroupProblem(group: group, current: persons, previous: previous)
            let solved = problem.solve()
            witnesses += solved.witnesses
            unprotected += solved.unprotected.map { "\(group.rawValue): \($0)" }
            for cell in problem.cells where cell.release == GroupProblem.current {
                guard let index = rowIndex[GroupProblem.key(cell.dimension, cell.value)] else { continue }
                rows[index].counts[group.rawValue] = .some(cell.published ? cell.members : nil)
            }
        }
        let release = IdentityRelease(rows: rows)
        var outcome = Outcome(release: release, witnesses: witnesses, unprotected: unprotected)
        outcome.unprotected += check(outcome, persons: persons, previous: previous)
        return outcome
    }

    /// Whether a count of `members` people, `disclosedMembers` of whom show the group on
    /// their profile, must be reserved (the threshold rule on both).
    public static func isSmall(members: Int, disclosedMembers: Int) -> Bool {
        let small = 1..<IdentityRelease.threshold
        return small.contains(members) || small.contains(members - disclosedMembers)
    }
}
