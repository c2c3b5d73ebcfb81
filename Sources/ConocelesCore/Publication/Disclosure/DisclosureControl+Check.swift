extension DisclosureControl {
    /// A table cell's numbers for one group.
    struct Tally: Equatable {
        var profiles = 0, members = 0, disclosedMembers = 0, undisclosed = 0
    }

    /// Every cell's numbers for `group` among `persons`, by `GroupProblem.key(dimension, value)`.
    static func tally(_ persons: [StatisticsPerson], _ group: IdentityGroup) -> [String: Tally] {
        var tallies: [String: Tally] = [:]
        for person in persons {
            for dimension in IdentityRelease.Dimension.allCases {
                let key = GroupProblem.key(dimension.rawValue, person.value(of: dimension.rawValue))
                var tally = tallies[key] ?? Tally()
                tally.profiles += 1
                if person.groups.contains(group) { tally.members += 1 }
                if person.groups.contains(group) && person.disclosed.contains(group) { tally.disclosedMembers += 1 }
                if !person.disclosed.contains(group) { tally.undisclosed += 1 }
                tallies[key] = tally
            }
        }
        return tallies
    }

    /// Verifies `outcome` against the data it was made from, independently of how it was
    /// made: every shown count is right and not small; every witness flips only answers that
    /// are not public, keeps every shown count of both releases and changes its target; every
    /// small reserved count with members who do not show the group is changed by some witness; and
    /// every person who identifies with a group without showing it is cleared by some witness
    /// (or by one for an interchangeable person: same rows, same answer). Returns what fails.
    public static func check(_ outcome: Outcome, persons: [StatisticsPerson], previous: Previous?) -> [String] {
        var failures: [String] = []
        let before = previous?.persons ?? []
        var nowByID: [String: StatisticsPerson] = [:], thenByID: [String: StatisticsPerson] = [:]
        for person in persons where nowByID[person.id] == nil { nowByID[person.id] = person }
        for person in before where thenByID[person.id] == nil { thenByID[person.id] = person }
        /// Who a person is to the statistics, as `GroupProblem` groups people: their row in each
        /// release they are counted in (both when they stayed in the same row with the same
        /// answer) and their answer. People alike in this are interchangeable.
        func place(_ person: StatisticsPerson, fromPrevious: Bool, _ group: IdentityGroup) -> String {
            let member = person.groups.contains(group)
            let row = [person.office, person.entity, person.sex].joined(separator: "\u{1F}")
            if let other = fromPrevious ? nowByID[person.id] : thenByID[person.id],
                [other.office, other.entity, other.sex] == [person.office, person.entity, person.sex], other.groups.contains(group) == member
            {
                return "\(row)\u{1E}\(row)\u{1E}\(member)"
            }
            return fromPrevious ? "\(row)\u{1E}-\u{1E}\(member)" : "-\u{1E}\(row)\u{1E}\(member)"
        }
        /// Whether anyone can read the person's answer: on this profile, or on the same
        /// person's profile in the other release when they stayed alike.
        func isPublic(_ person: StatisticsPerson, fromPrevious: Bool, _ group: IdentityGroup) -> Bool {
            if person.disclosed.contains(group) { return true }
            guard let other = fromPrevious ? nowByID[person.id] : thenByID[person.id] else { return false }
            return place(person, fromPrevious: fromPrevious, group) == place(other, fromPrevious: !fromPrevious, group)
                && other.disclosed.contains(group)
        }
        for group in IdentityGroup.allCases {
            let now = tally(persons, group), then = tally(before, group)
            let shownNow = shown(outcome.release, group), shownThen = previous.map { shown($0.release, group) } ?? [:]
            for (key, count) in shownNow {
                let real = now[key] ?? Tally()
                if real.members != count { failures.append("\(group.rawValue): \(key) muestra \(count) y son \(real.members)") }
                if isSmall(members: real.members, disclosedMembers: real.disclosedMembers) {
                    failures.append("\(group.rawValue): \(key) muestra una cifra pequeña")
                }
            }
            var changed: Set<String> = [], cleared: Set<String> = []
            for witness in outcome.witnesses where witness.group == group {
                var deltas: [String: Int] = [:]
                for flip in witness.flips {
                    for (release, person) in [
                        ("actual", flip.inCurrent ? nowByID[flip.personID] : nil),
                        ("anterior", flip.inPrevious ? thenByID[flip.personID] : nil),
                    ] {
                        guard let person else {
                            if release == "actual" ? flip.inCurrent : flip.inPrevious {
                                failures.append("\(group.rawValue): el testigo de \(witness.target) cambia a alguien que no está")
                            }
                            continue
                        }
                        if person.disclosed.contains(group) {
                            failures.append("\(group.rawValue): el testigo de \(witness.target) cambia una respuesta pública")
                        }
                        let member = person.groups.contains(group)
                        if member { cleared.insert(place(person, fromPrevious: release == "anterior", group)) }
                        for dimension in IdentityRelease.Dimension.allCases {
                            deltas[release + "|" + GroupProblem.key(dimension.rawValue, person.value(of: dimension.rawValue)), default: 0] += member ? -1 : 1
                        }
                    }
                }
                for (key, delta) in deltas where delta != 0 {
                    changed.insert(key)
                    let shownKey = String(key.drop { $0 != "|" }.dropFirst())
                    if key.hasPrefix("actual|") ? shownNow[shownKey] != nil : shownThen[shownKey] != nil {
                        failures.append("\(group.rawValue): el testigo de \(witness.target) cambia \(key), que se muestra")
                    }
                }
            }
            for row in outcome.release.rows where row.count(group) == nil {
                let key = GroupProblem.key(row.dimension, row.value), real = now[key] ?? Tally()
                if real.members > real.disclosedMembers && isSmall(members: real.members, disclosedMembers: real.disclosedMembers)
                    && !changed.contains("actual|" + key)
                {
                    failures.append("\(group.rawValue): nada prueba que \(key) no pueda deducirse")
                }
            }
            for row in previous?.release.rows ?? [] where row.count(group) == nil {
                let key = GroupProblem.key(row.dimension, row.value), real = then[key] ?? Tally()
                if real.members > real.disclosedMembers && isSmall(members: real.members, disclosedMembers: real.disclosedMembers)
                    && !changed.contains("anterior|" + key)
                {
                    failures.append("\(group.rawValue): nada prueba que \(key) de la versión anterior no pueda deducirse")
                }
            }
            for (person, fromPrevious) in persons.map({ ($0, false) }) + before.map({ ($0, true) })
            where person.groups.contains(group) && !isPublic(person, fromPrevious: fromPrevious, group) {
                if !cleared.contains(place(person, fromPrevious: fromPrevious, group)) {
                    failures.append("\(group.rawValue): nada prueba que la respuesta de \(person.id) no pueda deducirse")
                }
            }
        }
        return failures
    }

    /// The shown counts of `group` in `release`, by cell key.
    static func shown(_ release: IdentityRelease, _ group: IdentityGroup) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in release.rows { if let count = row.count(group) { counts[GroupProblem.key(row.dimension, row.value)] = count } }
        return counts
    }
}
