import ConocelesCore
import Foundation
import Testing
import TestSupport

/// The identity statistics' disclosure control, attacked (issue 19): every published table of
/// small elections, alone and two releases a profile apart, solved by `DisclosureAttacker`;
/// and the old rules, which the same attacker breaks.
@Suite("DisclosureControl")
struct DisclosureControlTests {
    /// SplitMix64: the same elections on every run.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    static let offices = ["Gubernatura", "Diputación", "Regiduría"]
    static let entities = ["PAN", "PRI", "MC", "Morena", "Candidatura independiente"]

    /// A person of a random small election: few people per row, groups of 5–25 %, some consent.
    static func person(_ id: String, _ random: inout Random) -> StatisticsPerson {
        let office = offices[[0, 1, 1, 2, 2, 2][random.below(6)]]
        let sex = random.chance(4) ? "Persona no binaria" : (random.chance(50) ? "Mujer" : "Hombre")
        var groups: Set<IdentityGroup> = []
        for (index, group) in IdentityGroup.allCases.enumerated() where random.chance(5 + 3 * index) { groups.insert(group) }
        var disclosed: Set<IdentityGroup> = []
        if random.chance(20), !groups.isEmpty { disclosed = Set(IdentityGroup.allCases) }
        if random.chance(5), let group = groups.first { disclosed.insert(group) }
        return StatisticsPerson(
            id: id, office: office, entity: entities[random.below(entities.count)], sex: sex,
            groups: groups, disclosed: disclosed)
    }

    static func election(seed: UInt64, size: Int) -> [StatisticsPerson] {
        var random = Random(state: seed)
        return (0..<size).map { person("C-\(seed)-\($0)", &random) }
    }

    // MARK: One release

    @Test(arguments: 0..<60)
    func aReleaseOfASmallElectionShowsNoSmallCountAndDerivesNothing(seed: Int) {
        let persons = Self.election(seed: UInt64(seed), size: 4 + seed % 45)
        let outcome = DisclosureControl.release(persons)
        #expect(outcome.unprotected.isEmpty, "\(outcome.unprotected)")
        let findings = DisclosureAttacker([.init(tables: outcome.release, persons: persons)]).findings()
        #expect(findings.isEmpty, "\(findings)")
        for row in outcome.release.rows {
            #expect(row.profiles == persons.filter { $0.value(of: row.dimension) == row.value }.count)
            for group in IdentityGroup.allCases {
                if let count = row.count(group) {
                    #expect(!(1...4).contains(count))
                    #expect(count == persons.filter { $0.value(of: row.dimension) == row.value && $0.groups.contains(group) }.count)
                }
            }
        }
    }

    @Test func theJaliscoFindingIsClosed() {
        // Gubernatura, 7 published: one indigenous person who did not consent, one of the sexual
        // diversity who did; the other offices large enough to show their counts.
        var persons = (0..<7).map {
            StatisticsPerson(
                id: "GUB-\($0)", office: "Gubernatura", entity: Self.entities[$0 % 5],
                sex: $0 % 2 == 0 ? "Mujer" : "Hombre", groups: [])
        }
        persons[3].groups = [.indigenous]
        persons[4].groups = [.sexualDiversity]
        persons[4].disclosed = Set(IdentityGroup.allCases)
        for index in 0..<40 {
            persons.append(
                StatisticsPerson(
                    id: "DIP-\(index)", office: "Diputación", entity: Self.entities[index % 5],
                    sex: index % 2 == 0 ? "Mujer" : "Hombre", groups: index % 4 == 0 ? [.indigenous] : []))
        }
        let outcome = DisclosureControl.release(persons)
        let governorship = try! #require(outcome.release.rows(.office).first { $0.value == "Gubernatura" })
        #expect(governorship.count(.indigenous) == nil)
        #expect(governorship.count(.sexualDiversity) == nil)
        #expect(
            outcome.release.rows(.office).first { $0.value == "Diputación" }?.count(.indigenous) == nil,
            "the only other office row would give the Gubernatura's count by subtraction from the total")
        #expect(DisclosureAttacker([.init(tables: outcome.release, persons: persons)]).findings().isEmpty)
        #expect(outcome.unprotected.isEmpty)
    }

    @Test func aCountMadeOfConsentingProfilesAndOneOtherIsReserved() {
        // Six indigenous members in a row, five of them show it: the count would say that one of
        // the others is indigenous.
        var persons = (0..<30).map {
            StatisticsPerson(
                id: "P-\($0)", office: "Regiduría", entity: Self.entities[$0 % 5],
                sex: $0 % 2 == 0 ? "Mujer" : "Hombre", groups: [])
        }
        for index in 0..<6 { persons[index].groups = [.indigenous] }
        for index in 0..<5 { persons[index].disclosed = Set(IdentityGroup.allCases) }
        let outcome = DisclosureControl.release(persons)
        #expect(outcome.release.rows(.total).first?.count(.indigenous) == nil)
        #expect(DisclosureAttacker([.init(tables: outcome.release, persons: persons)]).findings().isEmpty)
    }

    // MARK: Two releases a profile apart

    /// The next release's people: one profile more, one fewer, or one replaced by another in
    /// the same row with one answer changed (a substitution).
    static func nextDay(_ persons: [StatisticsPerson], seed: UInt64) -> [StatisticsPerson] {
        var random = Random(state: seed &* 31 &+ 7)
        var next = persons
        switch random.below(3) {
        case 0:
            var newcomer = person("NEW-\(seed)", &random)
            newcomer.groups.insert(IdentityGroup.allCases[random.below(IdentityGroup.allCases.count)])
            newcomer.disclosed = []
            next.append(newcomer)
        case 1 where !next.isEmpty:
            next.remove(at: random.below(next.count))
        default:
            guard !next.isEmpty else { break }
            let index = random.below(next.count)
            let group = IdentityGroup.allCases[random.below(IdentityGroup.allCases.count)]
            next[index].id += "-SUSTITUTA"
            next[index].disclosed = []
            if next[index].groups.contains(group) { next[index].groups.remove(group) } else { next[index].groups.insert(group) }
        }
        return next
    }

    @Test(arguments: 0..<60)
    func twoReleasesAProfileApartDeriveNothingTogether(seed: Int) {
        let before = Self.election(seed: UInt64(1_000 + seed), size: 4 + seed % 40)
        let first = DisclosureControl.release(before)
        let after = Self.nextDay(before, seed: UInt64(seed))
        let second = DisclosureControl.release(after, previous: .init(persons: before, release: first.release))
        #expect(second.unprotected.isEmpty, "\(second.unprotected)")
        let findings = DisclosureAttacker([.init(tables: first.release, persons: before), .init(tables: second.release, persons: after)])
            .findings()
        #expect(findings.isEmpty, "\(findings)")
    }

    // MARK: Negative controls: the attacker breaks the old rules

    /// The rule before issue 19: tables by office, party and sex; a row of fewer than 5 profiles
    /// shows no counts, every other row shows all of them.
    static func oldRule(_ persons: [StatisticsPerson]) -> IdentityRelease {
        var rows: [IdentityRelease.Row] = []
        for dimension in [IdentityRelease.Dimension.office, .entity, .sex] {
            var values: [String] = []
            for person in persons where !values.contains(person.value(of: dimension.rawValue)) { values.append(person.value(of: dimension.rawValue)) }
            for value in values {
                let people = persons.filter { $0.value(of: dimension.rawValue) == value }
                var counts: [String: Int?] = [:]
                for group in IdentityGroup.allCases {
                    counts[group.rawValue] = .some(people.count >= 5 ? people.filter { $0.groups.contains(group) }.count : nil)
                }
                rows.append(IdentityRelease.Row(dimension: dimension.rawValue, value: value, profiles: people.count, counts: counts))
            }
        }
        return IdentityRelease(rows: rows)
    }

    /// The threshold alone: every count of 1 to 4 reserved, nothing else.
    static func thresholdOnly(_ persons: [StatisticsPerson]) -> IdentityRelease {
        var release = DisclosureControl.release(persons).release
        for index in release.rows.indices {
            for group in IdentityGroup.allCases {
                let count = persons.filter { $0.value(of: release.rows[index].dimension) == release.rows[index].value && $0.groups.contains(group) }.count
                release.rows[index].counts[group.rawValue] = (1...4).contains(count) ? .some(nil) : .some(count)
            }
        }
        return release
    }

    static func governorshipElection() -> [StatisticsPerson] {
        var persons = (0..<3).map { StatisticsPerson(id: "GUB-\($0)", office: "Gubernatura", entity: entities[$0], sex: "Mujer", groups: []) }
        persons[1].groups = [.indigenous]
        for index in 0..<20 {
            persons.append(
                StatisticsPerson(
                    id: "DIP-\(index)", office: "Diputación", entity: entities[index % 5],
                    sex: index % 2 == 0 ? "Mujer" : "Hombre", groups: index % 3 == 0 ? [.indigenous] : []))
        }
        return persons
    }

    @Test func theOldRowThresholdIsBrokenBySubtraction() {
        let persons = Self.governorshipElection()
        let attacker = DisclosureAttacker([.init(tables: Self.oldRule(persons), persons: persons)])
        let findings = attacker.findings()
        // The hidden Gubernatura row: the party table's total minus the Diputación row.
        #expect(attacker.reservedBounds(.indigenous)["0|cargo|Gubernatura"] == .init(low: 1, high: 1))
        #expect(findings.contains { $0.group == .indigenous && $0.what.contains("cargo|Gubernatura reservado pero vale 1") }, "\(findings)")
        // And the counts of 1 to 4 it showed.
        #expect(findings.contains { $0.what.contains("muestra") })
    }

    @Test func theThresholdAloneIsBrokenBySubtraction() {
        let persons = Self.governorshipElection()
        let findings = DisclosureAttacker([.init(tables: Self.thresholdOnly(persons), persons: persons)]).findings()
        #expect(findings.contains { $0.group == .indigenous && $0.what.contains("reservado pero vale") }, "\(findings)")
        #expect(!findings.contains { $0.what.contains("muestra") })
    }

    @Test func releasesProtectedOneByOneAreBrokenTogether() {
        // Seven indigenous deputies shown; the next day one more deputy, indigenous, without consent.
        let before = (0..<30).map { index in
            StatisticsPerson(
                id: "DIP-\(index)", office: "Diputación", entity: Self.entities[index % 5], sex: index % 2 == 0 ? "Mujer" : "Hombre",
                groups: index < 7 ? [.indigenous] : [])
        }
        let after = before + [StatisticsPerson(id: "DIP-NUEVA", office: "Diputación", entity: "PAN", sex: "Mujer", groups: [.indigenous])]
        let first = DisclosureControl.release(before)
        let alone = DisclosureControl.release(after)
        let broken = DisclosureAttacker([.init(tables: first.release, persons: before), .init(tables: alone.release, persons: after)]).findings()
        #expect(broken.contains { $0.group == .indigenous && $0.what.contains("se identifican") }, "\(broken)")

        let together = DisclosureControl.release(after, previous: .init(persons: before, release: first.release))
        #expect(together.unprotected.isEmpty)
        #expect(
            DisclosureAttacker([.init(tables: first.release, persons: before), .init(tables: together.release, persons: after)])
                .findings().isEmpty)
    }

    @Test func theCheckRefusesATamperedRelease() {
        let persons = Self.governorshipElection()
        var outcome = DisclosureControl.release(persons)
        #expect(DisclosureControl.check(outcome, persons: persons, previous: nil).isEmpty)
        let index = try! #require(
            outcome.release.rows.firstIndex { $0.count(.indigenous) == nil && $0.value == "Diputación" }
                ?? outcome.release.rows.firstIndex { $0.count(.indigenous) == nil })
        let row = outcome.release.rows[index]
        outcome.release.rows[index].counts[IdentityGroup.indigenous.rawValue] = .some(
            persons.filter { $0.value(of: row.dimension) == row.value && $0.groups.contains(.indigenous) }.count)
        #expect(!DisclosureControl.check(outcome, persons: persons, previous: nil).isEmpty)
    }

    // MARK: Schedule

    @Test func releasesAreDueOncePerPeriodFromLocalMidnight() throws {
        let zone = try #require(TimeZone(identifier: "America/Mexico_City"))
        let daily = StatisticsSchedule(hours: 24, timeZone: zone)
        let lateEvening = try Date("2024-05-01T23:30:00-06:00", strategy: .iso8601)
        let sameNight = try Date("2024-05-01T23:59:00-06:00", strategy: .iso8601)
        let afterMidnight = try Date("2024-05-02T00:05:00-06:00", strategy: .iso8601)
        #expect(daily.isDue(now: lateEvening, last: nil))
        #expect(!daily.isDue(now: sameNight, last: lateEvening))
        #expect(daily.isDue(now: afterMidnight, last: lateEvening))
        #expect(daily.nextChange(after: lateEvening) == (try Date("2024-05-02T00:00:00-06:00", strategy: .iso8601)))
        let sixHours = StatisticsSchedule(hours: 6, timeZone: zone)
        #expect(sixHours.nextChange(after: afterMidnight) == (try Date("2024-05-02T06:00:00-06:00", strategy: .iso8601)))
        #expect(!sixHours.isDue(now: try Date("2024-05-02T05:59:00-06:00", strategy: .iso8601), last: afterMidnight))
    }
}
