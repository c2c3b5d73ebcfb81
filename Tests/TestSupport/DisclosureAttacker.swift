import ConocelesCore

/// Plays the attacker on published identity statistics: knows every published table of one
/// or two releases and everything the public profiles show (each profile's office, party and
/// sex, who stayed between releases, the groups shown with consent or for an affirmative
/// action) and solves for everything else. The unknowns are, per group, how many people of
/// each set of interchangeable people (same rows in each release, answer not public) identify
/// with the group; every shown count is an equation over them, every reserved count an
/// unknown sum. Integer interval propagation over those equations, iterated to a fixed point,
/// bounds every unknown: it is sound (the true data always fit the bounds) though it may miss
/// what only a full integer solver would find; `DisclosureControl.check`'s witnesses cover
/// the other direction.
public struct DisclosureAttacker {
    /// What the attacker learned that it must not.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        public var group: IdentityGroup
        public var what: String
        public var description: String { "\(group.rawValue): \(what)" }
    }

    /// One release as the attacker sees it: its tables and the people counted (only their
    /// public side is read: rows and the answers their profiles show).
    public struct Release {
        public var tables: IdentityRelease
        public var persons: [StatisticsPerson]

        public init(tables: IdentityRelease, persons: [StatisticsPerson]) {
            self.tables = tables
            self.persons = persons
        }
    }

    /// A reserved cell's bounds, or a set of people's.
    public struct Bounds: Sendable, Hashable {
        public var low: Int
        public var high: Int

        public init(low: Int, high: Int) {
            self.low = low
            self.high = high
        }
    }

    let releases: [Release]

    /// An attacker of `releases` (one, or two consecutive ones: the earlier first).
    public init(_ releases: [Release]) {
        self.releases = releases
    }

    /// Everything the attacker derives that it must not: a shown count of 1 to 4; a reserved
    /// count pinned to one value of 1 to 4 (or whose members not shown on their profiles are
    /// pinned to 1 to 4) that includes someone who does not show the group; and a person whose
    /// membership follows (all the undisclosed people of a set are members).
    public func findings() -> [Finding] {
        IdentityGroup.allCases.flatMap { solve($0).findings }
    }

    /// The bounds of every reserved cell (`"<release>|<tabla>|<valor>"`) for `group`.
    public func reservedBounds(_ group: IdentityGroup) -> [String: Bounds] { solve(group).reserved }

    struct Model {
        var low: [Int] = [], high: [Int] = []
        /// Σ coefficient × variable = constant.
        var equations: [(terms: [(variable: Int, coefficient: Int)], constant: Int)] = []

        mutating func variable(_ low: Int, _ high: Int) -> Int {
            self.low.append(low)
            self.high.append(high)
            return self.low.count - 1
        }

        /// Tightens the bounds until nothing moves.
        mutating func propagate() {
            var moved = true, rounds = 0
            while moved && rounds < 10_000 {
                moved = false
                rounds += 1
                for equation in equations {
                    let minimum = equation.terms.map { $0.coefficient > 0 ? $0.coefficient * low[$0.variable] : $0.coefficient * high[$0.variable] }
                    let maximum = equation.terms.map { $0.coefficient > 0 ? $0.coefficient * high[$0.variable] : $0.coefficient * low[$0.variable] }
                    let allMinimum = minimum.reduce(0, +), allMaximum = maximum.reduce(0, +)
                    for (index, term) in equation.terms.enumerated() {
                        let restMinimum = allMinimum - minimum[index], restMaximum = allMaximum - maximum[index]
                        // coefficient × x = constant − rest
                        var newLow = equation.constant - restMaximum, newHigh = equation.constant - restMinimum
                        if term.coefficient < 0 { (newLow, newHigh) = (-newHigh, -newLow) }
                        if newLow > low[term.variable] { low[term.variable] = newLow; moved = true }
                        if newHigh < high[term.variable] { high[term.variable] = newHigh; moved = true }
                    }
                }
            }
        }
    }

    func solve(_ group: IdentityGroup) -> (findings: [Finding], reserved: [String: Bounds]) {
        var model = Model()
        var findings: [Finding] = []
        // Interchangeable undisclosed people: their row in each release (same id, same row = stayed).
        var unitOf: [String: Int] = [:], unitSize: [Int: Int] = [:], unitName: [Int: String] = [:]
        var rowsOfUnit: [Int: Set<String>] = [:]
        var disclosedMembers: [String: Int] = [:]
        let byRelease = releases.map { release in Dictionary(release.persons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }) }
        func place(_ person: StatisticsPerson) -> String { [person.office, person.entity, person.sex].joined(separator: "/") }
        var ids: [String] = []
        for release in releases { for person in release.persons where !ids.contains(person.id) { ids.append(person.id) } }
        for id in ids {
            // Someone in both releases in the same row is one person to solve for (the attacker
            // takes their answer as unchanged); otherwise one per release.
            let present = byRelease.indices.filter { byRelease[$0][id] != nil }
            let stayed = present.count > 1 && Set(present.map { place(byRelease[$0][id]!) }).count == 1
            let parts: [[Int]] = stayed ? [present] : present.map { [$0] }
            for part in parts {
                let people = part.map { byRelease[$0][id]! }
                let rows = zip(part, people).flatMap { index, person in
                    IdentityRelease.Dimension.allCases.map { "\(index)|\($0.rawValue)|\(person.value(of: $0.rawValue))" }
                }
                if let shown = people.first(where: { $0.disclosed.contains(group) }) {
                    if shown.groups.contains(group) { for row in rows { disclosedMembers[row, default: 0] += 1 } }
                    continue
                }
                let key = part.map { "\($0):" + place(byRelease[$0][id]!) }.joined(separator: "|")
                if unitOf[key] == nil {
                    unitOf[key] = unitOf.count
                    unitName[unitOf[key]!] = key
                }
                let unit = unitOf[key]!
                unitSize[unit, default: 0] += 1
                rowsOfUnit[unit, default: []].formUnion(rows)
            }
        }
        var variableOfUnit: [Int: Int] = [:]
        for unit in unitSize.keys.sorted() { variableOfUnit[unit] = model.variable(0, unitSize[unit]!) }
        var reservedVariables: [String: Int] = [:]
        var known: [[Int]: Int] = [:], reservedSets: [String: [Int]] = [:]
        for (index, release) in releases.enumerated() {
            var rows: [String: Int] = [:]
            for person in release.persons {
                for dimension in IdentityRelease.Dimension.allCases {
                    rows["\(index)|\(dimension.rawValue)|\(person.value(of: dimension.rawValue))", default: 0] += 1
                }
            }
            let shown = Dictionary(
                release.tables.rows.compactMap { row in
                    row.count(group).map { ("\(index)|\(row.dimension)|\(row.value)", $0) }
                }, uniquingKeysWith: { first, _ in first })
            for row in rows.keys.sorted() {
                let set = variableOfUnit.compactMap { unit, variable in rowsOfUnit[unit]!.contains(row) ? variable : nil }.sorted()
                if let count = shown[row] {
                    if (1..<IdentityRelease.threshold).contains(count) { findings.append(Finding(group: group, what: "\(row) muestra \(count)")) }
                    known[set] = count - (disclosedMembers[row] ?? 0)
                } else {
                    reservedSets[row] = set
                }
            }
        }
        // Subtraction and addition: from two known sums over nested sets, the sum over their
        // difference; over disjoint sets, the sum over their union (bounded: the tables are small).
        let limit = 600
        var grew = true
        while grew && known.count < limit {
            grew = false
            let current = known.map { (set: Set($0.key), list: $0.key, constant: $0.value) }
            for first in current {
                for second in current where first.list != second.list && known.count < limit {
                    if first.set.isSubset(of: second.set) {
                        let difference = second.set.subtracting(first.set).sorted()
                        if known[difference] == nil { known[difference] = second.constant - first.constant; grew = true }
                    } else if first.list.lexicographicallyPrecedes(second.list) && first.set.isDisjoint(with: second.set) {
                        let union = first.set.union(second.set).sorted()
                        if known[union] == nil { known[union] = first.constant + second.constant; grew = true }
                    }
                }
            }
        }
        for (set, constant) in known { model.equations.append((set.map { (variable: $0, coefficient: 1) }, constant)) }
        for (row, set) in reservedSets {
            let sum = model.variable(0, set.reduce(0) { $0 + model.high[$1] })
            reservedVariables[row] = sum
            model.equations.append((set.map { (variable: $0, coefficient: 1) } + [(variable: sum, coefficient: -1)], 0))
            if let exact = known[set] { model.low[sum] = max(model.low[sum], exact); model.high[sum] = min(model.high[sum], exact) }
        }
        model.propagate()
        var reserved: [String: Bounds] = [:]
        for (row, variable) in reservedVariables {
            let known = disclosedMembers[row] ?? 0
            let bounds = Bounds(low: known + model.low[variable], high: known + model.high[variable])
            reserved[row] = bounds
            // Pinned, small, and with members who do not show the group: their count is out.
            let hidden = bounds.low - known, small = 1..<IdentityRelease.threshold
            if bounds.low == bounds.high && hidden > 0 && (small.contains(bounds.low) || small.contains(hidden)) {
                findings.append(Finding(group: group, what: "\(row) reservado pero vale \(bounds.low)"))
            }
        }
        for (unit, variable) in variableOfUnit where model.low[variable] == unitSize[unit]! && unitSize[unit]! > 0 {
            findings.append(Finding(group: group, what: "las \(unitSize[unit]!) personas de \(unitName[unit]!) se identifican con el grupo"))
        }
        return (findings, reserved)
    }
}
