import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobQueue
import Storage
import Testing
import TestSupport

/// Every CSV the site hands out, fetched over HTTP as a person would download it, opens in
/// Excel es-MX: UTF-8 with BOM, CRLF line ends, and a name with accents comes back intact.
@Suite("CSV downloads: one writer, made for Excel in Spanish")
struct CSVDownloadTests {
    static let name = "José Ñúñez Güémez"

    @Test func everyCSVDownloadHasTheBOMCRLFAndKeepsAccents() async throws {
        let process = try jalisco()
        let candidacy = WebFixtures.candidacy("PAN-1", party: "PAN", office: "DIP_MR", district: 5, name: Self.name)
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [candidacy, WebFixtures.candidacy("PAN-2", party: "PAN", name: "Otra Persona")])
            try await WebFixtures.representativeAccount(db, party: "PAN")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await PublicationTests.publish(db, "PAN-1")
            try await PublicationTests.rebuild(db, process)
            // A progress report made by its worker (a day it is asked for), stored as the staff page serves it.
            let now = try Date("2024-03-15T18:00:00Z", strategy: .iso8601)
            try await JobTesting.perform(
                ProgressReportWorker(
                    client: db.client, process: process, municipalities: jaliscoCatalogs.municipalities,
                    clock: { now }), args: .init(onDemand: true))
            let report = try #require(
                try await ProgressReportRepository(client: db.client, logger: TestDatabase.logger)
                    .list(processID: process.id).first)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                let downloads: [(user: String?, uri: String, hasName: Bool)] = [
                    (nil, "/datos-abiertos/candidaturas.csv", true),
                    (nil, "/datos-abiertos/estadisticas-identidad.csv", false),
                    ("rep-pan", "/candidaturas/plantilla.csv", true),
                    ("staff-transparencia", "/instancia/cumplimiento.csv", false),
                    ("staff-transparencia", "/instancia/informes/\(report.id).csv", false),
                ]
                for download in downloads {
                    let browser = Browser(client)
                    if let user = download.user { try await browser.signIn(user) }
                    let response = try await browser.get(download.uri)
                    #expect(response.status == .ok, "\(download.uri)")
                    #expect(response.headers[.contentType] == "text/csv; charset=utf-8", "\(download.uri)")
                    let bytes = Array(response.body.readableBytesView)
                    #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(download.uri) has the UTF-8 BOM")
                    #expect(bytes.suffix(2) == [0x0D, 0x0A], "\(download.uri) ends with CRLF")
                    let table = try SpreadsheetTable.read(bytes)
                    #expect(table.encoding == .utf8WithBOM && table.lineEnd == .crlf && table.separator == ",", "\(download.uri)")
                    // Every record ends with CRLF: no bare LF outside a quoted cell.
                    let text = String(decoding: bytes, as: UTF8.self)
                    #expect(text.components(separatedBy: "\r\n").count - 1 == table.rows.count + 1 + Self.blankRows(text), "\(download.uri)")
                    // Accents survive the round trip: a name where the file has one, Spanish labels everywhere.
                    let cells = (table.header + table.rows.flatMap(\.cells)).joined(separator: "|")
                    if download.hasName { #expect(cells.contains(Self.name), "\(download.uri)") }
                    #expect(cells.contains { "áéíóúñÁÉÍÓÚÑ".contains($0) }, "\(download.uri) has Spanish text")
                    #expect(!cells.contains("Ã"), "\(download.uri) was not read as another encoding")
                }
            }
        }
    }

    /// Blank records (none are written; counted to keep the line check honest).
    static func blankRows(_ text: String) -> Int {
        text.components(separatedBy: "\r\n").dropFirst().dropLast().filter { $0.isEmpty }.count
    }
}

/// The rejected registration events, shown to staff with their reasons.
@Suite("Rejected registration events page")
struct RejectedEventsPageTests {
    @Test func staffSeeEveryRejectedEventWithItsReason() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [])
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "staff-igualdad")
            let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
            for (id, candidacy) in [("rech-1", "C-<b>1"), ("bien-1", "C-2")] {
                _ = try await events.record(
                    RegistrationEvent(
                        id: id, processID: process.id, kind: .approval, candidacyID: candidacy,
                        body: "{}", source: .csv))
            }
            try await events.settle("rech-1", to: .rejected, reason: "El municipio 999 no está en el catálogo.")
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                let staff = Browser(client)
                try await staff.signIn("staff-transparencia")
                let page = try await staff.get("/instancia/eventos-rechazados")
                #expect(page.status == .ok)
                #expect(page.text.contains("rech-1") && page.text.contains("El municipio 999 no está en el catálogo."))
                #expect(page.text.contains("C-&lt;b&gt;1") && !page.text.contains("C-<b>1"))
                #expect(!page.text.contains("bien-1"), "only rejected events are listed")
                #expect(page.text.contains("href=\"/instancia/eventos-rechazados\""), "the menu links the page")
                let other = Browser(client)
                try await other.signIn("staff-igualdad")
                #expect(try await other.get("/instancia/eventos-rechazados").status == .forbidden)
            }
        }
    }
}
