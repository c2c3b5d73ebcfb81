import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Storage
import TestSupport
import Testing

@Suite("ProgressReportWorker")
struct ProgressReportWorkerTests {
    static let process = PhotoFixtures.process
    static let cipher = try! SensitiveDataCipher(key: [UInt8](repeating: 1, count: 32), keyID: "t")
    static let catalogs = try! ProcessLoader.load(processID: process.id, configDirectory: "\(PhotoFixtures.repositoryRoot)/config").1
    /// States with a published version, written out here independently of ProfileState.
    static let publishedStates = "'publicado', 'modificacion_solicitada', 'en_modificacion', 'modificacion_enviada', 'reverificado', 'republicado'"

    static func worker(_ db: Database, on day: String) -> ProgressReportWorker {
        let now = try! Date("\(day)T18:00:00Z", strategy: .iso8601)
        return ProgressReportWorker(
            client: db.client, process: process, municipalities: catalogs.municipalities, clock: { now })
    }

    /// The small demo election of the process (seed 7).
    static func loadDemo(_ db: Database) async throws {
        try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
        let election = DemoElection(process: process, catalogs: catalogs, seed: 7, scale: .small)
        _ = try await DemoLoader(client: db.client, cipher: cipher, logger: TestDatabase.logger).load(election) { _, _ in }
    }

    /// The catalog name of candidacy `id`'s municipality.
    static func municipalityName(of id: String, _ db: Database) async throws -> String {
        let rows = try await db.client.query("SELECT municipality FROM candidacies WHERE id = \(id)").collect()
        let key = try #require(try rows.first?.decode(String.self))
        return try #require(catalogs.municipalities.entry(forKey: key)?.name)
    }

    /// Builds the publication and releases the identity statistics, as the workers do.
    static func publish(_ db: Database) async throws {
        let builder = PublicationBuilder(client: db.client, cipher: cipher, process: process, catalogs: catalogs)
        _ = try await builder.build(logger: TestDatabase.logger)
        try await StatisticsPublisher(
            client: db.client, builder: builder, cipher: cipher, processID: process.id, refreshHours: 24,
            timeZone: TimeZone(identifier: process.timeZone)!
        )
        .releaseIfDue(force: true, logger: TestDatabase.logger)
    }

    /// Identity statistics: exactly the release the portal shows, reserved counts included (a
    /// circulated report shows no more than the public site).
    static func expectIdentityRelease(in rows: [[String]], _ db: Database) async throws {
        let stored = try await PublicationRepository(client: db.client, logger: TestDatabase.logger).identityRelease(processID: process.id)
        let release = try #require(stored?.release)
        #expect(release.profiles > 0)
        var expected: [String: String] = [:]
        for row in release.rows {
            expected["\(row.dimension)|\(row.value)|perfiles"] = String(row.profiles)
            for group in IdentityGroup.allCases {
                expected["\(row.dimension)|\(row.value)|\(group.rawValue)"] = row.count(group).map(String.init) ?? IdentityRelease.reservedText
            }
        }
        var found: [String: String] = [:]
        for row in rows where row[0] == "identidad" { found[row[3]] = row[4] }
        #expect(found == expected)
        #expect(found.values.contains(IdentityRelease.reservedText), "the small demo has reserved counts")
        #expect(release.rows.allSatisfy { row in IdentityGroup.allCases.allSatisfy { !(1...4).contains(row.count($0) ?? 0) } })
    }

    /// The CSV's rows (no quoted commas in the demo's numbers, names handled by a tiny parser).
    static func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\r\n").dropFirst().map { line in
            var cells: [String] = [], cell = "", quoted = false
            var chars = Array(line)[...]
            while let c = chars.popFirst() {
                if quoted {
                    if c == "\"" { if chars.first == "\"" { cell.append("\""); chars.removeFirst() } else { quoted = false } } else { cell.append(c) }
                } else if c == "\"" {
                    quoted = true
                } else if c == "," {
                    cells.append(cell); cell = ""
                } else {
                    cell.append(c)
                }
            }
            cells.append(cell)
            return cells
        }
    }

    @Test func theReportOfTheDemoElectionHasTheNumbersOfTheDatabase() async throws {
        try await TestDatabase.with { db in
            try await Self.loadDemo(db)
            let reports = ProgressReportRepository(client: db.client, logger: TestDatabase.logger)
            // Before the first report date nothing is generated.
            try await JobTesting.perform(Self.worker(db, on: "2024-04-29"), args: .init())
            #expect(try await reports.list(processID: Self.process.id).isEmpty)

            // On 31 May (after the campaigns' end, 29 May) the May report, with the unpublished list.
            try await Self.publish(db)
            try await JobTesting.perform(Self.worker(db, on: "2024-05-31"), args: .init())
            try await JobTesting.perform(Self.worker(db, on: "2024-05-31"), args: .init())
            let listed = try await reports.list(processID: Self.process.id)
            #expect(listed.count == 1)
            let first = try #require(listed.first)
            let report = try #require(try await reports.report(id: first.id, processID: Self.process.id))
            #expect(report.kind == .periodic && report.dueOn == LocalDate("2024-05-31"))
            let rows = Self.rows(report.csv)

            // Progress per entity and office, against SQL written here.
            var expected: [String: [Int]] = [:]
            for try await (kind, code, office, total, captured, complete, published) in try await db.client.query(
                """
                SELECT c.entity_kind, c.entity_code, c.office_code, count(*)::int8,
                       count(*) FILTER (WHERE w.state <> 'pendiente')::int8,
                       count(*) FILTER (WHERE w.state IN ('completo', 'autorizado', 'verificado', \(unescaped: Self.publishedStates)))::int8,
                       count(*) FILTER (WHERE w.state IN (\(unescaped: Self.publishedStates)))::int8
                  FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
                 WHERE c.process_id = 'jalisco-2024' AND c.status = 'aprobada'
                 GROUP BY 1, 2, 3
                """
            ).decode((String, String, String, Int64, Int64, Int64, Int64).self) {
                let entity = PostulatingEntity(kind: PostulatingEntity.Kind(rawValue: kind)!, code: code)
                let name = entity.kind == .independent ? "Candidatura independiente \(code)" : entity.displayName(in: Self.process)!
                expected["\(name)|\(Self.process.office(code: office)!.name)"] = [total, captured, complete, published].map { Int($0) }
            }
            var found: [String: [Int]] = [:]
            let indicators = ["candidaturas", "con_captura", "completas", "publicadas"]
            for row in rows where row[0] == "avance" {
                let key = "\(row[1])|\(row[2])"
                var values = found[key] ?? [0, 0, 0, 0]
                values[indicators.firstIndex(of: row[3])!] = Int(row[4])!
                found[key] = values
            }
            #expect(!expected.isEmpty)
            #expect(found == expected)
            #expect(expected.values.contains { $0[3] > 0 } && expected.values.contains { $0[3] < $0[0] }, "the demo has published and unpublished")

            try await Self.expectIdentityRelease(in: rows, db)

            // The candidacies never published, per party.
            let unpublished = Set(
                try await db.client.query(
                    """
                    SELECT c.id FROM candidacies c JOIN profile_workflows w ON w.candidacy_id = c.id
                     WHERE c.process_id = 'jalisco-2024' AND c.status = 'aprobada' AND w.state NOT IN (\(unescaped: Self.publishedStates))
                    """
                ).collect().map { try $0.decode(String.self) })
            let listedUnpublished = rows.filter { $0[0] == "no_publicadas" }.map { $0[5] }
            #expect(Set(listedUnpublished) == unpublished && listedUnpublished.count == unpublished.count)
            // Municipalities by their catalog names.
            let municipal = try #require(rows.first { $0[0] == "no_publicadas" && $0[2].hasPrefix("Presidencia municipal") })
            let municipality = try await Self.municipalityName(of: municipal[5], db)
            #expect(municipal[2].contains(", \(municipality)"), "\(municipal[2])")
            #expect(report.html.contains("Candidaturas cuya información no se publicó"))
            #expect(report.html.contains("<h1>Informe periódico sobre la captura de información en Conóceles — 31 de mayo de 2024</h1>"))
            // No individual answer or sealed data in the report.
            #expect(!report.csv.contains("prefiero_no_contestar\""))

            // The final report on its date; none in between.
            try await JobTesting.perform(Self.worker(db, on: "2024-07-01"), args: .init())
            #expect(try await reports.list(processID: Self.process.id).count == 1)
            try await JobTesting.perform(Self.worker(db, on: "2024-09-02"), args: .init())
            let all = try await reports.list(processID: Self.process.id)
            #expect(all.map(\.kind) == [.final, .periodic])
        }
    }

    @Test func anAprilReportHasNoUnpublishedListYet() async throws {
        try await TestDatabase.with { db in
            try await Self.loadDemo(db)
            try await JobTesting.perform(Self.worker(db, on: "2024-05-02"), args: .init())
            let reports = ProgressReportRepository(client: db.client, logger: TestDatabase.logger)
            let listed = try await reports.list(processID: Self.process.id)
            #expect(listed.map(\.dueOn) == [LocalDate("2024-04-30")!])
            let report = try #require(try await reports.report(id: listed[0].id, processID: Self.process.id))
            #expect(!Self.rows(report.csv).contains { $0[0] == "no_publicadas" })
            #expect(report.html.contains("esta lista se incluye en los informes posteriores"))
        }
    }

    @Test func theKindIsDefinedAndScheduledDaily() throws {
        let catalog = try PhotoFixtures.catalog()
        #expect(catalog.policies[ProgressReportWorker.kind] != nil)
        #expect(catalog.schedules.contains { $0.kind == ProgressReportWorker.kind })
    }

    @Test func aReportAskedForByStaffIsMadeTodayAndReplacedTheSameDay() async throws {
        try await TestDatabase.with { db in
            try await Self.loadDemo(db)
            let reports = ProgressReportRepository(client: db.client, logger: TestDatabase.logger)
            // Outside any scheduled date, and before any report is due.
            try await JobTesting.perform(Self.worker(db, on: "2024-03-15"), args: .init())
            #expect(try await reports.list(processID: Self.process.id).isEmpty)
            try await Self.publish(db)
            try await JobTesting.perform(Self.worker(db, on: "2024-03-15"), args: .init(onDemand: true))
            let first = try await reports.list(processID: Self.process.id)
            #expect(first.map(\.kind) == [.onDemand] && first.map(\.dueOn) == [LocalDate("2024-03-15")!])
            #expect(first[0].title.hasPrefix("Informe a solicitud"))
            let body = try #require(try await reports.report(id: first[0].id, processID: Self.process.id))
            try await Self.expectIdentityRelease(in: Self.rows(body.csv), db)
            // Asked again the same day: one report, regenerated; the schedule is untouched.
            try await JobTesting.perform(Self.worker(db, on: "2024-03-15"), args: .init(onDemand: true))
            let second = try await reports.list(processID: Self.process.id)
            #expect(second.count == 1 && second[0].id == first[0].id && second[0].generatedAt >= first[0].generatedAt)
            try await JobTesting.perform(Self.worker(db, on: "2024-04-30"), args: .init())
            #expect(try await reports.list(processID: Self.process.id).map(\.kind) == [.periodic, .onDemand])
        }
    }
}
