/// One group's disclosure-control problem (`DisclosureControl`): the table cells of the
/// current release (and of the previous one), the people who have not made their answer
/// public gathered into interchangeable units, and the search for witnesses.
struct GroupProblem {
    /// Index of the previous and the current release in `Cell.release`.
    static let previous = 0, current = 1

    /// A row of a table of one release, with this group's numbers.
    struct Cell {
        var release: Int
        var dimension: String
        var value: String
        var profiles = 0
        var members = 0
        var disclosedMembers = 0
        /// People in the cell whose answer is not public.
        var undisclosed = 0
        /// Shown (the previous release: as it was published; the current one: decided here).
        var published = true
    }

    /// People who have not made their answer public and are interchangeable: the same cell
    /// in each release they are counted in, the same answer.
    struct Unit {
        var member: Bool
        /// The cells they are counted in (4 per release).
        var footprint: [Int]
        var inPrevious: Bool
        var inCurrent: Bool
        /// One of them (the one a witness flips) and how many there are.
        var personID: String
        var count: Int
    }

    /// A candidate witness: the units flipped, the shown cells it would alter and its cost.
    struct Candidate {
        var units: [Int]
        var alters: [Int]
        var score: Int
    }

    let group: IdentityGroup
    var cells: [Cell] = []
    var cellIndex: [String: Int] = [:]
    var units: [Unit] = []
    var unitIndex: [String: Int] = [:]
    /// Pairs (a member out, a non-member in) by their effect, built when first needed.
    var pairSignatures: [[Delta]: [Pair]]?

    /// A change of one cell's count.
    struct Delta: Hashable {
        var cell: Int
        var change: Int
    }

    /// Two units: a member and a non-member.
    struct Pair {
        var member: Int
        var nonMember: Int
    }

    static func key(_ dimension: String, _ value: String) -> String { "\(dimension)\u{1F}\(value)" }

    init(group: IdentityGroup, current: [StatisticsPerson], previous: DisclosureControl.Previous?) {
        self.group = group
        for (release, persons) in [(Self.previous, previous?.persons ?? []), (Self.current, current)]
        where release == Self.current || previous != nil {
            for dimension in IdentityRelease.Dimension.allCases {
                if dimension == .total { _ = cell(release, dimension.rawValue, IdentityRelease.totalLabel) }
                for person in persons { _ = cell(release, dimension.rawValue, person.value(of: dimension.rawValue)) }
            }
        }
        if let previous {
            var shown: [String: Bool] = [:]
            for row in previous.release.rows { shown[Self.key(row.dimension, row.value)] = row.count(group) != nil }
            for index in cells.indices where cells[index].release == Self.previous {
                // A cell the stored release does not list is taken as shown: that constrains more.
                cells[index].published = shown[Self.key(cells[index].dimension, cells[index].value)] ?? true
            }
        }
        var earlier: [String: StatisticsPerson] = [:]
        for person in previous?.persons ?? [] where earlier[person.id] == nil { earlier[person.id] = person }
        var matched: Set<String> = []
        for person in current {
            let member = person.groups.contains(group)
            if let before = earlier[person.id], !matched.contains(person.id), before.office == person.office,
                before.entity == person.entity, before.sex == person.sex, before.groups.contains(group) == member
            {
                matched.insert(person.id)
                add(
                    previous: before, current: person, member: member,
                    disclosed: person.disclosed.contains(group) || before.disclosed.contains(group))
            } else {
                add(previous: nil, current: person, member: member, disclosed: person.disclosed.contains(group))
            }
        }
        for person in previous?.persons ?? [] where !matched.contains(person.id) {
            matched.insert(person.id)
            add(previous: person, current: nil, member: person.groups.contains(group), disclosed: person.disclosed.contains(group))
        }
    }

    private mutating func cell(_ release: Int, _ dimension: String, _ value: String) -> Int {
        let key = "\(release)\u{1F}" + Self.key(dimension, value)
        if let index = cellIndex[key] { return index }
        cellIndex[key] = cells.count
        cells.append(Cell(release: release, dimension: dimension, value: value))
        return cells.count - 1
    }

    private mutating func add(previous: StatisticsPerson?, current: StatisticsPerson?, member: Bool, disclosed: Bool) {
        var footprint: [Int] = []
        var place: [String] = []
        for (release, person) in [(Self.previous, previous), (Self.current, current)] {
            guard let person else { place.append("-"); continue }
            for dimension in IdentityRelease.Dimension.allCases {
                footprint.append(cell(release, dimension.rawValue, person.value(of: dimension.rawValue)))
            }
            place.append([person.office, person.entity, person.sex].joined(separator: "\u{1F}"))
        }
        for index in footprint {
            cells[index].profiles += 1
            if member { cells[index].members += 1 }
            if member && disclosed { cells[index].disclosedMembers += 1 }
            if !disclosed { cells[index].undisclosed += 1 }
        }
        guard !disclosed else { return }
        let key = place.joined(separator: "\u{1E}") + "\u{1E}\(member)"
        if let index = unitIndex[key] {
            units[index].count += 1
        } else {
            unitIndex[key] = units.count
            units.append(
                Unit(
                    member: member, footprint: footprint, inPrevious: previous != nil, inCurrent: current != nil,
                    personID: (current ?? previous)!.id, count: 1))
        }
    }

    func isSmall(_ cell: Cell) -> Bool {
        DisclosureControl.isSmall(members: cell.members, disclosedMembers: cell.disclosedMembers)
    }

    func describe(cell index: Int) -> String {
        let cell = cells[index]
        return "\(cell.release == Self.current ? "actual" : "anterior")|\(cell.dimension)|\(cell.value)"
    }

    /// Reserves the small counts, then finds a witness for every target, reserving what the
    /// witnesses need. Returns the witnesses and the targets left without one.
    mutating func solve() -> (witnesses: [DisclosureControl.Witness], unprotected: [String]) {
        var cellTargets: [Int] = []
        for index in cells.indices where isSmall(cells[index]) {
            if cells[index].release == Self.current { cells[index].published = false }
            // A count whose members all show the group on their profile hides nobody's answer:
            // it is reserved, but needs no proof.
            if !cells[index].published && cells[index].members > cells[index].disclosedMembers { cellTargets.append(index) }
        }
        // Current release first (its suppressions may serve the previous release's targets).
        cellTargets.sort { (-cells[$0].release, $0) < (-cells[$1].release, $1) }
        var witnesses: [DisclosureControl.Witness] = []
        var unprotected: [String] = []
        let personTargets = units.indices.filter { units[$0].member }
        var missing: [Target] = []
        for target in cellTargets.map(Target.cell) + personTargets.map(Target.person) {
            guard let chosen = best(for: target) else {
                missing.append(target)
                continue
            }
            record(chosen, for: target, in: &witnesses)
        }
        if !missing.isEmpty {
            // What the previous release showed leaves no witness within reach: this release shows
            // nothing of this group, so it adds no equation to the previous one, and tries again.
            for index in cells.indices where cells[index].release == Self.current { cells[index].published = false }
            for target in missing {
                guard let chosen = best(for: target) else {
                    unprotected.append(describe(target))
                    continue
                }
                record(chosen, for: target, in: &witnesses)
            }
        }
        return (witnesses, unprotected)
    }

    /// Reserves what `chosen` alters and keeps it as the witness of `target`.
    private mutating func record(_ chosen: Candidate, for target: Target, in witnesses: inout [DisclosureControl.Witness]) {
        for index in chosen.alters { cells[index].published = false }
        witnesses.append(
            DisclosureControl.Witness(
                group: group, target: describe(target),
                flips: chosen.units.map {
                    DisclosureControl.Flip(
                        personID: units[$0].personID, inPrevious: units[$0].inPrevious,
                        inCurrent: units[$0].inCurrent)
                }))
    }

    enum Target {
        case cell(Int)
        case person(Int)
    }

    func describe(_ target: Target) -> String {
        switch target {
        case .cell(let index): describe(cell: index)
        case .person(let unit): "persona|\(units[unit].personID)"
        }
    }
}
