import ConocelesConfig
import ConocelesCore
import Foundation
import Testing

@Suite("ProcessLoader")
struct ProcessLoaderTests {
    @Test func jaliscoProcessAndCatalogsHaveTheirRealCounts() throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        #expect(catalogs.municipalities.count == 125)
        #expect(catalogs.states.count == 32)
        #expect(catalogs.indigenousPeoples.count == 68)
        #expect(catalogs.countries.count > 190)
        #expect(catalogs.countries.entry(forKey: "MEX") == nil, "Mexico is not a country of residence for migrants")
        #expect(process.districts == 20)
        #expect(process.office(code: "DIP_MR")?.seats == 20)
        #expect(process.office(code: "DIP_RP")?.seats == 18)
        #expect(process.office(code: "DIP_RP")?.scope == .list)
        #expect(process.office(code: "GUB")?.seats == 1)
        #expect(process.offices.reduce(0) { $0 + $1.seats } == 1_520)
        #expect(process.parties.count == 9)
        #expect(process.coalition(code: "FCJ")?.parties == ["PAN", "PRI", "PRD"])
        #expect(catalogs.municipalities.entry(forKey: "039")?.name == "Guadalajara")
        #expect(catalogs.states.entry(forKey: process.entity)?.name == "Jalisco")
        #expect(process.deadlines.accountsSentDays == 3)
        #expect(process.deadlines.substituteCaptureDays == 5)
        #expect(process.electionDay == LocalDate("2024-06-02"))
    }

    /// Another electoral body adds its own file; a broken one is explained, file and key.
    @Test func anotherBodysFileLoadsAndABrokenOneIsExplained() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("processes"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: "\(repositoryRoot)/config/catalogs"), to: dir.appendingPathComponent("catalogs"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = """
            id: demo-2027
            name: Proceso de prueba
            electoral_body: OPL de prueba
            entity: "14"
            time_zone: America/Mexico_City
            election_day: "2027-06-06"
            publication_date: "2027-04-01"
            municipalities_catalog: jalisco-municipios.csv
            districts: 3
            offices: [{ code: DIP_MR, name: Diputación, scope: district, seats: 3 }]
            parties: [{ code: A, name: Partido A }, { code: B, name: Partido B }]
            coalitions: [{ code: AB, name: Unidos, kind: candidatura_comun, parties: [A, B] }]
            deadlines: { accounts_sent_days: 2, substitute_capture_days: 4, capture_deadlines: [] }
            """
        try good.write(to: dir.appendingPathComponent("processes/demo-2027.yaml"), atomically: true, encoding: .utf8)
        let (process, _) = try ProcessLoader.load(processID: "demo-2027", configDirectory: dir.path)
        #expect(process.coalition(code: "AB")?.kind == .commonCandidacy)
        #expect(process.deadlines.accountsSentDays == 2)

        let unknownParty = good.replacingOccurrences(of: "parties: [A, B]", with: "parties: [A, Z]")
        try unknownParty.write(to: dir.appendingPathComponent("processes/demo-2027.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ProcessLoader.LoadError.self) {
            try ProcessLoader.load(processID: "demo-2027", configDirectory: dir.path)
        }
        #expect(error?.reason.contains("«Z»") == true)

        let badDate = good.replacingOccurrences(of: "\"2027-06-06\"", with: "\"2027-02-30\"")
        try badDate.write(to: dir.appendingPathComponent("processes/demo-2027.yaml"), atomically: true, encoding: .utf8)
        let dateError = #expect(throws: ProcessLoader.LoadError.self) {
            try ProcessLoader.load(processID: "demo-2027", configDirectory: dir.path)
        }
        #expect(dateError?.reason.contains("election_day") == true, "\(String(describing: dateError))")

        // Reminders and reports: defaults when absent, Spanish errors naming the key when wrong.
        #expect(process.deadlines.reminderDaysBefore == [7, 2])
        #expect(process.progressReportDates == [LocalDate("2027-04-30")!, LocalDate("2027-05-31")!])
        #expect(process.finalReportDate == LocalDate("2027-09-06"))
        #expect(process.campaignEndDate == LocalDate("2027-06-02"))
        let deadlines = "capture_deadlines: [] }"
        for (replacement, key) in [
            ("capture_deadlines: [], reminder_days_before: [7, -1] }", "reminder_days_before"),
            ("capture_deadlines: [], reminder_days_before: [2, 2] }", "reminder_days_before"),
            ("capture_deadlines: [], progress_reports: [\"2027-06-10\"] }", "progress_reports"),
            ("capture_deadlines: [], final_report: \"2027-10-07\" }", "final_report"),
            ("capture_deadlines: [], campaign_end: \"2027-06-06\" }", "campaign_end"),
        ] {
            try good.replacingOccurrences(of: deadlines, with: replacement)
                .write(to: dir.appendingPathComponent("processes/demo-2027.yaml"), atomically: true, encoding: .utf8)
            let error = #expect(throws: ProcessLoader.LoadError.self) {
                try ProcessLoader.load(processID: "demo-2027", configDirectory: dir.path)
            }
            #expect(error?.reason.contains("deadlines.\(key)") == true, "\(String(describing: error))")
        }
    }

    static let fixtures = "\(repositoryRoot)/Tests/Fixtures/config"

    /// A second body's file, another state with its own municipalities, loads whole.
    @Test func aSecondBodysProcessFileFromAnotherStateLoads() throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "aguascalientes-2024", configDirectory: Self.fixtures)
        #expect(process.entity == "01")
        #expect(catalogs.states.entry(forKey: process.entity)?.name == "Aguascalientes")
        #expect(catalogs.municipalities.count == 11)
        #expect(catalogs.municipalities.entry(forKey: "001")?.name == "Aguascalientes")
        #expect(process.office(code: "DIP_MR")?.seats == 18 && process.districts == 18)
        #expect(process.deadlines.reminderDaysBefore == [5, 1])
        #expect(process.finalReportDate == LocalDate("2024-09-30"))
        #expect(process.rules.proposal.minimum == 200)
    }

    /// Each refusal names the file and the key, in Spanish.
    @Test(arguments: [
        // (text to replace, replacement, expected fragment of the reason)
        ("id: aguascalientes-2024", "id: aguascalientes-2027", "no coincide con el nombre del archivo"),
        ("publication_date: \"2024-04-15\"", "publication_date: \"2024-06-02\"", "«publication_date»"),
        (
            "capture_deadlines: [\"2024-04-30\", \"2024-05-20\"]", "capture_deadlines: [\"2024-04-30\", \"2024-06-03\"]",
            "«deadlines.capture_deadlines»"
        ),
        ("accounts_sent_days: 3", "accounts_sent_days: 0", "«deadlines.accounts_sent_days» admite de 1 a 30"),
        ("accounts_sent_days: 3", "accounts_sent_days: 45", "«deadlines.accounts_sent_days» admite de 1 a 30"),
        ("substitute_capture_days: 5", "substitute_capture_days: 0", "«deadlines.substitute_capture_days»"),
        (
            "municipalities_catalog: aguascalientes-municipios.csv", "municipalities_catalog: jalisco-municipios.csv",
            "no es de la entidad «01»"
        ),
        ("districts: 18", "districts: 0", "se elige por distrito, pero el proceso no tiene distritos"),
        ("scope: list,         seats: 9 }", "scope: list,         seats: 9, sceats: 9 }", "«offices[1].sceats» no existe"),
        ("  final_report: \"2024-09-30\"", "  final_reprot: \"2024-09-30\"", "«deadlines.final_reprot» no existe"),
        ("rules:\n", "rules:\n  proposals: { minimum: 1 }\n", "«rules.proposals» no existe"),
        ("districts: 18", "districts: 18\ndistrict: 3", "«district» no existe"),
    ])
    func aBrokenSecondBodysFileIsRefusedNamingTheKey(original: String, replacement: String, reason: String) throws {
        let source = try String(contentsOfFile: "\(Self.fixtures)/processes/aguascalientes-2024.yaml", encoding: .utf8)
        #expect(source.contains(original), "the fixture changed: \(original)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("processes"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: "\(repositoryRoot)/config/catalogs"), to: dir.appendingPathComponent("catalogs"))
        defer { try? FileManager.default.removeItem(at: dir) }
        try source.replacingOccurrences(of: original, with: replacement)
            .write(to: dir.appendingPathComponent("processes/aguascalientes-2024.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ProcessLoader.LoadError.self) {
            try ProcessLoader.load(processID: "aguascalientes-2024", configDirectory: dir.path)
        }
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }

    /// A municipalities catalog without the entity column cannot be checked: refused.
    @Test func aMunicipalitiesCatalogWithoutItsEntityIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("processes"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: "\(repositoryRoot)/config/catalogs"), to: dir.appendingPathComponent("catalogs"))
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(
            atPath: "\(Self.fixtures)/processes/aguascalientes-2024.yaml", toPath: dir.appendingPathComponent("processes/aguascalientes-2024.yaml").path)
        try "clave_inegi,municipio\n001,Aguascalientes\n".write(
            to: dir.appendingPathComponent("catalogs/aguascalientes-municipios.csv"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ProcessLoader.LoadError.self) {
            try ProcessLoader.load(processID: "aguascalientes-2024", configDirectory: dir.path)
        }
        #expect(error?.reason.contains("falta la columna «clave_entidad»") == true, "\(String(describing: error))")
    }

    @Test func jaliscoSchedulesRemindersAndReports() throws {
        let process = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config").0
        #expect(process.deadlines.captureDeadlines == [LocalDate("2024-04-15")!, LocalDate("2024-05-15")!])
        #expect(process.deadlines.reminderDaysBefore == [7, 2])
        #expect(process.scheduledReports.map(\.date.description) == ["2024-04-30", "2024-05-31", "2024-09-02"])
        #expect(process.scheduledReports.map(\.kind) == [.periodic, .periodic, .final])
        #expect(LocalDate("2024-03-01")!.advanced(byDays: -1) == LocalDate("2024-02-29"))
        #expect(LocalDate("2024-12-31")!.days(until: LocalDate("2025-01-01")!) == 1)
    }
}
