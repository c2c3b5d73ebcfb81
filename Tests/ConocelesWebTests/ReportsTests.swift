import ConocelesCore
import ConocelesJobs
import JobQueue
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("Staff area: progress reports")
struct ReportsTests {
    static let html = "<!DOCTYPE html><html lang=\"es-MX\"><body><h1>Informe de prueba</h1><p>Cuadro 42</p></body></html>"
    static let csv = "SECCION,VALOR\r\navance,42\r\n"

    /// The site with one stored report and accounts of every role; `body` gets the report's id.
    func withReport(_ body: @Sendable @escaping (Browser, Int64, Database) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [WebFixtures.candidacy("PAN-1", party: "PAN")])
            try await WebFixtures.representativeAccount(db, party: "PAN")
            try await WebFixtures.candidateAccount(db, for: WebFixtures.candidacy("PAN-1", party: "PAN"), username: "cand-pan")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "staff-igualdad")
            try await WebFixtures.staffAccount(db, .itStaff, username: "staff-informatica")
            let id = try #require(
                try await ProgressReportRepository(client: db.client, logger: TestDatabase.logger).store(
                    processID: process.id, kind: .periodic, dueOn: LocalDate("2024-04-30")!, title: "Informe periódico de prueba <b>",
                    html: Self.html, csv: Self.csv, at: Date()))
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(Browser(client), id, db) }
        }
    }

    @Test(arguments: ["staff-transparencia", "staff-igualdad"])
    func staffListPrintAndDownload(username: String) async throws {
        try await withReport { browser, id, _ in
            #expect(try await browser.signIn(username).status == .seeOther)
            let list = try await browser.get("/instancia/informes")
            #expect(list.status == .ok)
            #expect(list.text.contains("Informe periódico") && list.text.contains("30 de abril de 2024"))
            #expect(list.text.contains("href=\"/instancia/informes/\(id)\"") && list.text.contains("href=\"/instancia/informes/\(id).csv\""))
            #expect(list.text.contains("href=\"/instancia/informes\""), "the menu links the reports")
            let page = try await browser.get("/instancia/informes/\(id)")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text == Self.html)
            let csv = try await browser.get("/instancia/informes/\(id).csv")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.contains("informe-periodico-2024-04-30.csv") == true)
            #expect(csv.text == "\u{FEFF}" + Self.csv, "a report stored without the BOM gets it on the way out")
            #expect(try await browser.get("/instancia/informes/999999").status == .notFound)
            #expect(try await browser.get("/instancia/informes/x.csv").status == .notFound)
        }
    }

    @Test(arguments: ["rep-pan", "cand-pan", "staff-informatica"])
    func otherRolesAreRefused(username: String) async throws {
        try await withReport { browser, id, _ in
            #expect(try await browser.signIn(username).status == .seeOther)
            for uri in ["/instancia/informes", "/instancia/informes/\(id)", "/instancia/informes/\(id).csv"] {
                let response = try await browser.get(uri)
                #expect(response.status == .forbidden, "\(username) \(uri)")
                #expect(!response.text.contains("Cuadro 42") && !response.text.contains("avance,42"))
            }
        }
    }

    @Test func anonymousIsSentToSignIn() async throws {
        try await withReport { browser, id, _ in
            let response = try await browser.get("/instancia/informes/\(id).csv")
            #expect(response.status == .seeOther && response.location?.hasPrefix("/entrar") == true)
        }
    }

    @Test func staffAskForAReportNowAndTheRequestIsAudited() async throws {
        try await withReport { browser, _, db in
            #expect(try await browser.signIn("staff-transparencia").status == .seeOther)
            let list = try await browser.get("/instancia/informes")
            #expect(list.text.contains("action=\"/instancia/informes/generar\""))
            let asked = try await browser.post("/instancia/informes/generar")
            #expect(asked.status == .seeOther && asked.location == "/instancia/informes?hecho=solicitado")
            let jobs = try await JobTesting.assertEnqueued(db, kind: ProgressReportWorker.kind, args: ProgressReportWorker.Args.self) {
                $0.onDemand == true
            }
            #expect(jobs.count == 1)
            // A second click while the first is pending does not queue a second report.
            _ = try await browser.post("/instancia/informes/generar")
            #expect(try await JobTesting.enqueued(db, kind: ProgressReportWorker.kind).count == 1)
            #expect(try await browser.get("/instancia/informes?hecho=solicitado").text.contains("Se está generando el informe"))
            let audited = try await db.client.query(
                "SELECT count(*) FROM audit_log WHERE action = 'report.request' AND subject_type = 'job'", logger: TestDatabase.logger)
            for try await count in audited.decode(Int.self) { #expect(count == 2) }
            // Without the token, nothing is queued.
            #expect(try await browser.post("/instancia/informes/generar", csrf: false).status == .forbidden)
        }
    }

    @Test func onlyReportingStaffMayAskForAReport() async throws {
        try await withReport { browser, _, db in
            #expect(try await browser.signIn("staff-informatica").status == .seeOther)
            #expect(try await browser.post("/instancia/informes/generar").status == .forbidden)
            try await JobTesting.assertNotEnqueued(db, kind: ProgressReportWorker.kind)
        }
    }
}
