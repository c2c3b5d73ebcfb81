import ConocelesCore
@testable import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Storage
import Testing
import TestSupport

/// Issue 19, done-when: the attacker collects every published identity table of a small
/// election (the public API, the open-data CSV and the staff report), solves for every
/// reserved or small count and derives none; and the same across two consecutive releases.
@Suite("Identity statistics against an attacker, end to end")
struct StatisticsDisclosureTests {
    /// A small election: 3 Gubernatura candidacies and 9 deputies, with small groups, one
    /// person showing hers by consent and one affirmative action.
    static func candidacies() -> [Candidacy] {
        var all = ["PAN", "PRI", "MC"].enumerated().map { index, party in
            WebFixtures.candidacy("GUB-\(party)", party: party, name: "Gubernatura \(party) \(index)")
        }
        for district in 1...9 {
            var deputy = WebFixtures.candidacy(
                "DIP-\(district)", party: ["PAN", "PRI", "MC"][district % 3], office: "DIP_MR",
                district: district, name: "Diputación \(district)")
            deputy.gender = district % 2 == 0 ? .man : .woman
            if district == 9 { deputy.affirmativeAction = .disability }
            all.append(deputy)
        }
        return all
    }

    /// Identity answers: indigenous or not, and the other groups no.
    static func identity(indigenous: Bool, disability: Bool = false) -> IdentityQuestionnaire {
        var answers = PublicationTests.identity()
        answers.indigenous = indigenous ? answers.indigenous : IndigenousSection(identifiesAsIndigenous: .no)
        answers.disability = DisabilitySection(hasDisability: disability ? .yes : .no)
        return answers
    }

    static let indigenous: Set<String> = ["GUB-PRI", "DIP-1", "DIP-2", "DIP-4", "DIP-7"]

    /// The identity tables in the API's JSON.
    static func apiRelease(_ body: [String: Any]) throws -> IdentityRelease {
        let rows = try #require(body["identidad"] as? [[String: Any]])
        return IdentityRelease(
            rows: try rows.map { row in
                let counts = try #require(row["conteos"] as? [String: Any])
                return IdentityRelease.Row(
                    dimension: try #require(row["dimension"] as? String), value: try #require(row["valor"] as? String),
                    profiles: try #require(row["perfiles"] as? Int), counts: counts.mapValues { $0 as? Int })
            })
    }

    /// The identity tables in the open-data CSV.
    static func csvRelease(_ text: String) throws -> IdentityRelease {
        let lines = PublicationTests.parseCSV(text)
        let header = try #require(lines.first)
        return IdentityRelease(
            rows: lines.dropFirst().map { cells in
                IdentityRelease.Row(
                    dimension: cells[0], value: cells[1], profiles: Int(cells[2]) ?? -1,
                    counts: Dictionary(
                        uniqueKeysWithValues: zip(header.dropFirst(3), cells.dropFirst(3)).map { ($0.lowercased(), Int($1)) }))
            })
    }

    /// The identity tables in a staff report's CSV.
    static func reportRelease(_ text: String) -> IdentityRelease {
        var rows: [IdentityRelease.Row] = [], index: [String: Int] = [:]
        for cells in PublicationTests.parseCSV(text).dropFirst() where cells.first == "identidad" {
            let parts = cells[3].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let key = parts[0] + "|" + parts[1]
            if index[key] == nil {
                index[key] = rows.count
                rows.append(IdentityRelease.Row(dimension: parts[0], value: parts[1], profiles: 0, counts: [:]))
            }
            if parts[2] == "perfiles" { rows[index[key]!].profiles = Int(cells[4]) ?? -1 } else { rows[index[key]!].counts[parts[2]] = Int(cells[4]) }
        }
        return IdentityRelease(rows: rows)
    }

    /// Every published table of the current release: API, CSV (the same numbers, reserved as
    /// the one mark) and a staff report made now.
    static func collect(_ browser: Browser, _ db: Database, _ process: ElectionProcess) async throws -> IdentityRelease {
        let api = try apiRelease(try PortalFeaturesTests.json(try await browser.get("/api/v1/publico/estadisticas")))
        let csvText = try await browser.get("/datos-abiertos/estadisticas-identidad.csv").text
        #expect(try csvRelease(csvText) == api)
        #expect(csvText.contains(IdentityRelease.reservedText))
        try await JobTesting.perform(ProgressReportWorker(client: db.client, process: process), args: .init(onDemand: true))
        let reports = ProgressReportRepository(client: db.client, logger: TestDatabase.logger)
        let newest = try #require(try await reports.list(processID: process.id).first)
        let report = try #require(try await reports.report(id: newest.id, processID: process.id))
        #expect(reportRelease(report.csv) == api)
        #expect(report.html.contains(IdentityRelease.reservedText))
        return api
    }

    @Test func theAttackerDerivesNothingFromEveryPublishedTableNorAcrossTwoReleases() async throws {
        let clock = Clock()
        try await PublicationTests().withSite(Self.candidacies()) { browser, db, process in
            let questionnaires = StaffTests.questionnaires(db)
            for candidacy in Self.candidacies() {
                try await questionnaires.saveIdentity(
                    Self.identity(
                        indigenous: Self.indigenous.contains(candidacy.id),
                        disability: candidacy.id == "DIP-3"),
                    for: candidacy.id, by: AuditActor(StaffTests.representative))
            }
            _ = try await questionnaires.recordConsent(granted: true, for: "DIP-1", by: AuditActor(StaffTests.representative))
            for candidacy in Self.candidacies() where candidacy.id != "DIP-8" { try await PublicationTests.publish(db, candidacy.id) }
            let builder = PublicationBuilder(client: db.client, cipher: testCipher, process: process, catalogs: jaliscoCatalogs)
            let rebuild = PublicationRebuildWorker(
                client: db.client, builder: builder, processID: process.id,
                statistics: PublicationTests.statisticsPublisher(db, process, clock: { clock.now }))
            try await JobTesting.perform(rebuild, args: .init(reason: "test"))

            let first = try await Self.collect(browser, db, process)
            let firstPersons = try await builder.statisticsPersons(logger: TestDatabase.logger)
            #expect(first.profiles == 11)
            #expect(first.rows(.office).first { $0.value == "Gubernatura" }?.count(.indigenous) == nil, "one indigenous person in 3")
            let findings = DisclosureAttacker([.init(tables: first, persons: firstPersons)]).findings()
            #expect(findings.isEmpty, "\(findings)")

            // One more profile, indigenous, without consent: the same day the tables do not move.
            try await questionnaires.saveIdentity(Self.identity(indigenous: true), for: "DIP-8", by: AuditActor(StaffTests.representative))
            try await PublicationTests.publish(db, "DIP-8")
            clock.now += 6 * 3_600
            try await JobTesting.perform(rebuild, args: .init(reason: "test"))
            #expect(try await Self.collect(browser, db, process) == first)
            #expect(try await browser.get("/perfil/DIP-8").status == .ok, "the profile itself is published at once")

            // The next day they do, protected together with the previous release.
            clock.now += 24 * 3_600
            try await JobTesting.perform(rebuild, args: .init(reason: "test"))
            let second = try await Self.collect(browser, db, process)
            #expect(second.profiles == 12)
            let secondPersons = try await builder.statisticsPersons(logger: TestDatabase.logger)
            let together = DisclosureAttacker([.init(tables: first, persons: firstPersons), .init(tables: second, persons: secondPersons)])
                .findings()
            #expect(together.isEmpty, "\(together)")
            let page = try await browser.get("/estadisticas").text
            #expect(page.contains("se actualizan de nuevo a partir del"))
        }
    }

    /// A settable "now" for the publisher.
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_714_600_800)  // 2024-05-01 16:00 in Mexico City
    }
}
