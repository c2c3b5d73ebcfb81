import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The compliance dashboard on the small demo election: its numbers, its CSV and its
/// drill-down lists against counts written here in plain SQL, independently of
/// `ComplianceRepository`'s query.
@Suite("Compliance dashboard")
struct ComplianceTests {
    /// The indicators' keys in the dashboard's column order.
    static let keys = ComplianceIndicator.allCases.map(\.rawValue)

    /// A site with the small demo election, staff accounts of every role, a representative
    /// of a party the demo leaves out and a candidate of it.
    func withDemo(_ body: @Sendable @escaping (any TestClientProtocol, Database, ElectionProcess) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
            let election = DemoElection(process: process, catalogs: jaliscoCatalogs, seed: 11, scale: .small)
            _ = try await DemoLoader(client: db.client, cipher: testCipher, logger: TestDatabase.logger).load(election) { _, _ in }
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "staff-igualdad")
            try await WebFixtures.staffAccount(db, .itStaff, username: "staff-informatica")
            let morena = WebFixtures.candidacy("MORENA-X1", party: "MORENA", name: "<script>alert(1)</script> Prueba")
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).register(morena, by: .system("test"))
            try await WebFixtures.candidateAccount(db, for: morena, username: "cand-morena")
            try await WebFixtures.representativeAccount(db, party: "MORENA")
            try await Self.substitutes(db)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(client, db, process) }
        }
    }

    /// Two PAN substitutes whose credentials went out on 1 March at 10:00 (local): one
    /// complete at 23:30 of the 5th natural day after (in time), one at 00:30 of the 6th (late).
    static func substitutes(_ db: Database) async throws {
        for (id, completedAt) in [("PAN-SUST-A-TIEMPO", "2024-03-06 23:30"), ("PAN-SUST-TARDE", "2024-03-07 00:30")] {
            var candidacy = WebFixtures.candidacy(id, party: "PAN", name: "Sustituta \(id)")
            candidacy.replacesCandidacyID = "DEMO-GUB-PAN-P"
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).register(candidacy, by: .system("test"))
            try await WebFixtures.candidateAccount(db, for: candidacy)
            try await db.client.query(
                """
                UPDATE accounts SET credentials_sent_at = '2024-03-01 10:00'::timestamp AT TIME ZONE 'America/Mexico_City'
                 WHERE candidacy_id = \(id)
                """, logger: TestDatabase.logger)
            try await db.client.query(
                """
                UPDATE profile_workflows SET state = 'completo', transition_count = 2 WHERE candidacy_id = \(id)
                """, logger: TestDatabase.logger)
            try await db.client.query(
                """
                INSERT INTO profile_transitions (candidacy_id, from_state, to_state, action, actor_role, actor_id, occurred_at)
                VALUES (\(id), 'pendiente', 'en_captura', 'iniciar_captura', 'persona_candidata', 'test',
                        '2024-03-02 09:00'::timestamp AT TIME ZONE 'America/Mexico_City'),
                       (\(id), 'en_captura', 'completo', 'marcar_completo', 'persona_candidata', 'test',
                        \(completedAt)::timestamp AT TIME ZONE 'America/Mexico_City')
                """, logger: TestDatabase.logger)
        }
    }

    // MARK: Independent SQL

    /// The indicators' conditions, written directly over the tables (`c` candidacy, `a` its
    /// account, `w` its workflow), in the order of `keys`.
    static let conditions: [String] = {
        let published = "'publicado','modificacion_solicitada','en_modificacion','modificacion_enviada','reverificado','republicado'"
        let local = "'America/Mexico_City'"
        let approvedAt = """
            coalesce((SELECT min((e.body ->> 'occurred_at')::timestamptz) FROM registration_events e
                       WHERE e.candidacy_id = c.id AND e.type IN ('approval', 'substitution') AND e.status = 'applied'), c.created_at)
            """
        return [
            "true",
            "a.credentials_sent_at IS NOT NULL",
            "a.credentials_sent_at <= (date_trunc('day', (\(approvedAt)) AT TIME ZONE \(local)) + interval '4 days') AT TIME ZONE \(local)",
            "w.state IS NOT NULL AND w.state <> 'pendiente'",
            "w.state IN ('completo','autorizado','verificado',\(published))",
            "w.state IN ('autorizado','verificado',\(published))",
            "w.state IN ('verificado',\(published))",
            "w.state IN (\(published))",
            "c.replaces_candidacy_id IS NOT NULL",
            """
            c.replaces_candidacy_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM profile_transitions t WHERE t.candidacy_id = c.id AND t.to_state = 'completo'
                   AND t.occurred_at <= (date_trunc('day', a.credentials_sent_at AT TIME ZONE \(local)) + interval '6 days') AT TIME ZONE \(local))
            """,
        ]
    }()

    static let from = """
        FROM candidacies c LEFT JOIN accounts a ON a.candidacy_id = c.id LEFT JOIN profile_workflows w ON w.candidacy_id = c.id
        WHERE c.status = 'aprobada'
        """

    /// Counts per group (`c.entity_code` or `c.office_code`), each indicator in `keys` order.
    static func expectedCounts(_ db: Database, groupBy column: String, where extra: String = "true") async throws -> [String: [Int]] {
        let sums = conditions.map { "count(*) FILTER (WHERE \($0))::int" }.joined(separator: ", ")
        let rows = try await db.client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(column), ARRAY[\(sums)] \(from) AND \(extra) GROUP BY 1
                    """), logger: TestDatabase.logger)
        var result: [String: [Int]] = [:]
        for try await (group, counts) in rows.decode((String, [Int]).self) { result[group] = counts }
        return result
    }

    /// Ids counted by `key` for `extra`.
    static func expectedIDs(_ db: Database, key: String, where extra: String) async throws -> Set<String> {
        let condition = conditions[keys.firstIndex(of: key)!]
        let rows = try await db.client.query(
            PostgresQuery(unsafeSQL: "SELECT c.id \(from) AND \(extra) AND \(condition)"),
            logger: TestDatabase.logger)
        var ids: Set<String> = []
        for try await id in rows.decode(String.self) { ids.insert(id) }
        return ids
    }

    // MARK: Tests

    @Test func pageCSVAndListsMatchDirectCounts() async throws {
        try await withDemo { client, db, process in
            let browser = Browser(client)
            _ = try await browser.signIn("staff-transparencia")
            let expected = try await Self.expectedCounts(db, groupBy: "c.entity_code")
            // The demo data exercise every indicator, so equal numbers mean something.
            let totals = Self.keys.indices.map { index in expected.values.reduce(0) { $0 + $1[index] } }
            #expect(expected.keys.sorted() == ["MORENA", "PAN", "PRD", "PRI"])
            for (index, key) in Self.keys.enumerated() { #expect(totals[index] > 0, "the demo has no \(key)") }
            #expect(totals[1] > totals[2] || totals[0] > totals[1], "every account sent on time: the deadline is not tested")

            // The page: each entity's cell, labelled for screen readers with its number.
            let page = try await browser.get("/instancia/cumplimiento")
            #expect(page.status == .ok)
            let controller = ComplianceController(context: testContext(db, process))
            for code in ["PAN", "PRI", "MORENA"] {
                let name = try #require(process.party(code: code)?.name)
                for (index, indicator) in ComplianceIndicator.allCases.enumerated() {
                    let cell = "aria-label=\"\(controller.label(indicator)), \(name): \(expected[code]![index])\""
                    #expect(page.text.contains(cell), "\(code) \(indicator.rawValue)")
                }
            }
            #expect(page.text.contains("/instancia/cumplimiento/candidaturas?cargo=&amp;entidad=partido%3APAN&amp;indicador=capturadas"))

            // The CSV: BOM, Spanish headers, the same numbers.
            let csv = try await browser.get("/instancia/cumplimiento.csv")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let table = Self.parseCSV(csv.text)
            #expect(table.first == ["Tipo", "Clave", "Nombre"] + ComplianceIndicator.allCases.map(controller.label))
            let parsedEntities = Dictionary(
                uniqueKeysWithValues: table.dropFirst().filter { $0[0] == "Partido" }.map { ($0[1], $0[3...].compactMap { Int($0) }) })
            #expect(parsedEntities == expected)
            let byOffice = try await Self.expectedCounts(db, groupBy: "c.office_code")
            let parsedOffices = Dictionary(uniqueKeysWithValues: table.dropFirst().filter { $0[0] == "Cargo" }.map { ($0[1], $0[3...].compactMap { Int($0) }) })
            #expect(parsedOffices == byOffice)

            // The substitutes' deadline counts natural days in the process's time zone.
            let inTime = try await browser.get("/instancia/cumplimiento/candidaturas?entidad=partido:PAN&indicador=sustituciones-en-plazo")
            #expect(Self.listedIDs(inTime.text).contains("PAN-SUST-A-TIEMPO") && !Self.listedIDs(inTime.text).contains("PAN-SUST-TARDE"))
            let substitutes = try await browser.get("/instancia/cumplimiento/candidaturas?entidad=partido:PAN&indicador=sustituciones")
            #expect(Self.listedIDs(substitutes.text).isSuperset(of: ["PAN-SUST-A-TIEMPO", "PAN-SUST-TARDE"]))

            // Drill-downs list exactly the counted candidacies.
            for (entity, key) in [
                ("PAN", "capturadas"), ("PRI", "cuentas-en-plazo"), ("PAN", "sustituciones-en-plazo"), ("PRD", "publicadas"), ("PRI", "sustituciones"),
            ] {
                let list = try await browser.get("/instancia/cumplimiento/candidaturas?entidad=partido:\(entity)&indicador=\(key)")
                #expect(list.status == .ok)
                let ids = try await Self.expectedIDs(db, key: key, where: "c.entity_kind = 'partido' AND c.entity_code = '\(entity)'")
                #expect(Self.listedIDs(list.text) == ids, "\(entity) \(key)")
                #expect(ids.count == expected[entity]![Self.keys.firstIndex(of: key)!])
            }
        }
    }

    @Test func filtersByOfficeAndByEntity() async throws {
        try await withDemo { client, db, _ in
            let browser = Browser(client)
            _ = try await browser.signIn("staff-igualdad")
            // Entity rows for one office; office rows for one party.
            let csv = try await browser.get("/instancia/cumplimiento.csv?cargo=DIP_MR&entidad=partido:PRI")
            let table = Self.parseCSV(csv.text)
            let entities = Dictionary(uniqueKeysWithValues: table.dropFirst().filter { $0[0] == "Partido" }.map { ($0[1], $0[3...].compactMap { Int($0) }) })
            #expect(entities == (try await Self.expectedCounts(db, groupBy: "c.entity_code", where: "c.office_code = 'DIP_MR'")))
            let offices = Dictionary(uniqueKeysWithValues: table.dropFirst().filter { $0[0] == "Cargo" }.map { ($0[1], $0[3...].compactMap { Int($0) }) })
            #expect(offices == (try await Self.expectedCounts(db, groupBy: "c.office_code", where: "c.entity_code = 'PRI'")))
            #expect(!entities.isEmpty && !offices.isEmpty)
            // A drill-down with both filters.
            let list = try await browser.get("/instancia/cumplimiento/candidaturas?cargo=DIP_MR&entidad=partido:PRI&indicador=aprobadas")
            let ids = try await Self.expectedIDs(db, key: "aprobadas", where: "c.office_code = 'DIP_MR' AND c.entity_code = 'PRI'")
            #expect(!ids.isEmpty && Self.listedIDs(list.text) == ids)
            // An unknown indicator is not a page.
            #expect(try await browser.get("/instancia/cumplimiento/candidaturas?indicador=nada").status == .notFound)
        }
    }

    @Test func onlyTransparencyAndGenderEqualityStaffMayRead() async throws {
        try await withDemo { client, _, _ in
            do {
                let paths = [
                    "/instancia/cumplimiento", "/instancia/cumplimiento.csv",
                    "/instancia/cumplimiento/candidaturas?entidad=partido:MORENA&indicador=aprobadas",
                ]
                for username in ["rep-morena", "cand-morena", "staff-informatica"] {
                    let browser = Browser(client)
                    _ = try await browser.signIn(username)
                    for path in paths {
                        let response = try await browser.get(path)
                        #expect(response.status == .forbidden, "\(username) \(path)")
                        #expect(!response.text.contains("MORENA-X1") && !response.text.contains("Partido Acción Nacional"))
                    }
                }
                let anonymous = Browser(client)
                #expect(try await anonymous.get("/instancia/cumplimiento.csv").location?.hasPrefix("/entrar") == true)
                for username in ["staff-transparencia", "staff-igualdad"] {
                    let browser = Browser(client)
                    _ = try await browser.signIn(username)
                    #expect(try await browser.get("/instancia/cumplimiento").text.contains("href=\"/instancia/cumplimiento\""), "menu link")
                    for path in paths { #expect(try await browser.get(path).status == .ok, "\(username) \(path)") }
                    // Names come back escaped.
                    let list = try await browser.get(paths[2]).text
                    #expect(list.contains("&lt;script&gt;alert(1)&lt;/script&gt; Prueba") && !list.contains("<script>alert(1)"))
                }
            }
        }
    }

    // MARK: Helpers

    /// The candidacy ids of a drill-down page (`<span class="clave">(ID)</span>`).
    static func listedIDs(_ html: String) -> Set<String> {
        Set(html.matches(of: /<span class="clave">\(([^)<]+)\)<\/span>/).map { String($0.output.1) })
    }

    /// Rows of a CSV text (BOM dropped; quoted cells with doubled quotes; CRLF lines).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var characters = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { cell.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(cell); cell = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(cell); rows.append(row); row = []; cell = ""
            } else {
                cell.append(character)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}
