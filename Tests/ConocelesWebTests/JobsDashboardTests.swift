import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobQueue
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The IT staff's jobs dashboard: depth, failures with their errors, retry and cancel
/// through JobQueue's admin API; nobody else may see or steer it.
@Suite("Jobs dashboard")
struct JobsDashboardTests {
    struct Args: Codable { let n: Int }

    func withSite(_ body: @Sendable @escaping (any TestClientProtocol, Database, JobClient) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, [])
            try await WebFixtures.staffAccount(db, .itStaff, username: "staff-informatica")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "staff-igualdad")
            try await WebFixtures.representativeAccount(db, party: "PAN")
            let context = testContext(db, process)
            let app = Application(router: WebApplication.buildRouter(context: context))
            try await app.test(.router) { client in try await body(client, db, context.jobs) }
        }
    }

    /// Marks job `id` discarded after one failed attempt with `error` (what the completer writes).
    static func fail(_ db: Database, _ id: Int64, error: String) async throws {
        let errors = String(
            decoding: try JSONEncoder().encode([JobErrorRecord(attempt: 1, at: Date(timeIntervalSince1970: 1_700_000_000), error: error, worker: "w1")]),
            as: UTF8.self)
        try await db.client.query(
            """
            UPDATE jobs SET state = 'discarded', attempt = 1, max_attempts = 1, attempted_at = now(), finalized_at = now(),
                   errors = \(errors)::jsonb WHERE id = \(id)
            """, logger: TestDatabase.logger)
    }

    /// A problem of the SMTP server (as MonitoredMailTransport records it) is a banner on the
    /// jobs and accounts pages, with the server's reply escaped; it goes when mail goes through.
    @Test func aMailServerProblemIsABannerUntilMailGoesThrough() async throws {
        try await withSite { client, db, jobs in
            let status = MailServerStatusRepository(client: db.client, logger: TestDatabase.logger)
            let browser = Browser(client)
            _ = try await browser.signIn("staff-informatica")
            #expect(try await !browser.get("/instancia/trabajos").text.contains("alerta-correo"))
            try await status.recordProblem(code: "authentication_failed", detail: "535 Login denied <b>")
            for path in ["/instancia/trabajos"] {
                let page = try await browser.get(path)
                #expect(page.text.contains("id=\"alerta-correo\""), "\(path)")
                #expect(page.text.contains("el servidor de correo rechazó el usuario o la contraseña"))
                #expect(page.text.contains("535 Login denied &lt;b&gt;"))
            }
            let transparency = Browser(client)
            _ = try await transparency.signIn("staff-transparencia")
            #expect(try await transparency.get("/instancia/cuentas").text.contains("id=\"alerta-correo\""))
            try await status.recordSuccess()
            #expect(try await !browser.get("/instancia/trabajos").text.contains("alerta-correo"))
        }
    }

    @Test func aFailedJobShowsItsErrorAndRetryMakesItAvailable() async throws {
        try await withSite { client, db, jobs in
            let failed = try await jobs.insert(NewJob(kind: "test.failing", args: Args(n: 1))).id
            try await Self.fail(db, failed, error: "No se pudo conectar <script>alert(1)</script> con ana.lopez@example.org")
            let browser = Browser(client)
            _ = try await browser.signIn("staff-informatica")
            let page = try await browser.get("/instancia/trabajos")
            #expect(page.status == .ok)
            #expect(page.text.contains("test.failing"))
            #expect(page.text.contains("No se pudo conectar &lt;script&gt;alert(1)&lt;/script&gt; con [correo oculto]"))
            #expect(!page.text.contains("<script>alert(1)") && !page.text.contains("ana.lopez@example.org"))
            #expect(page.text.contains("action=\"/instancia/trabajos/\(failed)/reintentar\""))
            #expect(page.text.contains("href=\"/instancia/trabajos\""), "menu link")

            let retried = try await browser.post("/instancia/trabajos/\(failed)/reintentar")
            #expect(retried.status == .seeOther && retried.location == "/instancia/trabajos?hecho=reintento")
            let job = try #require(try await jobs.job(id: failed))
            #expect(job.state == .available && job.maxAttempts > job.attempt)
            // A second retry of an available job changes nothing.
            #expect(try await browser.post("/instancia/trabajos/\(failed)/reintentar").location == "/instancia/trabajos?hecho=sin-cambio")
            #expect(try await browser.get("/instancia/trabajos?hecho=reintento").text.contains("quedó disponible"))
            // Both requests are in the audit log, with whether they applied.
            let audited = try await db.client.query(
                """
                SELECT changes->>'applied' FROM audit_log WHERE action = 'job.retry' AND subject_id = \(String(failed)) ORDER BY id
                """, logger: TestDatabase.logger)
            var applied: [String] = []
            for try await value in audited.decode(String.self) { applied.append(value) }
            #expect(applied == ["sí", "no"])
        }
    }

    @Test func cancelCancelsAWaitingJob() async throws {
        try await withSite { client, _, jobs in
            let waiting = try await jobs.insert(NewJob(kind: "test.waiting", args: Args(n: 2))).id
            let other = try await jobs.insert(NewJob(kind: "test.waiting", args: Args(n: 3))).id
            let browser = Browser(client)
            _ = try await browser.signIn("staff-informatica")
            let page = try await browser.get("/instancia/trabajos")
            #expect(page.text.contains("action=\"/instancia/trabajos/\(waiting)/cancelar\""))
            let cancelled = try await browser.post("/instancia/trabajos/\(waiting)/cancelar")
            #expect(cancelled.location == "/instancia/trabajos?hecho=cancelacion")
            #expect(try await jobs.job(id: waiting)?.state == .cancelled)
            #expect(try await jobs.job(id: other)?.state == .available)
            #expect(try await browser.post("/instancia/trabajos/\(waiting)/cancelar").location == "/instancia/trabajos?hecho=sin-cambio")
            #expect(try await browser.post("/instancia/trabajos/no-es-numero/cancelar").status == .notFound)
        }
    }

    @Test func queuesRunsAndDepthAreShown() async throws {
        try await withSite { client, db, jobs in
            let chain = try PipelineDefinition(name: "cadena", event: "algo", steps: [.init(name: "primero", kind: "test.first")])
            let engine = PipelineEngine(definitions: [chain], jobs: jobs, logger: TestDatabase.logger)
            let run = try await db.client.withTransaction(logger: TestDatabase.logger) { tx in try await engine.start("cadena", argsJSON: "{}", on: tx) }
            var later = try NewJob(kind: "test.later", args: Args(n: 4))
            later.scheduledAt = Date().addingTimeInterval(3_600)
            _ = try await jobs.insert(later)
            let browser = Browser(client)
            _ = try await browser.signIn("staff-informatica")
            let page = try await browser.get("/instancia/trabajos").text
            // default queue: 1 available (the step), 1 scheduled, none running or retrying.
            #expect(page.contains("<tr><th scope=\"row\">default</th><td>1</td><td>1</td><td>0</td><td>0</td></tr>"))
            #expect(page.contains("<th scope=\"row\">\(run)</th><td>cadena</td>"))
            #expect(page.contains("primero (test.first, trabajo"))
        }
    }

    @Test func onlyITStaffAndOnlyWithCSRF() async throws {
        try await withSite { client, db, jobs in
            let failed = try await jobs.insert(NewJob(kind: "test.failing", args: Args(n: 5))).id
            try await Self.fail(db, failed, error: "Falla secreta del trabajo")
            for username in ["staff-transparencia", "staff-igualdad", "rep-pan"] {
                let browser = Browser(client)
                _ = try await browser.signIn(username)
                let page = try await browser.get("/instancia/trabajos")
                #expect(page.status == .forbidden, "\(username)")
                #expect(!page.text.contains("Falla secreta"))
                #expect(try await browser.post("/instancia/trabajos/\(failed)/reintentar").status == .forbidden)
                #expect(try await browser.post("/instancia/trabajos/\(failed)/cancelar").status == .forbidden)
            }
            #expect(try await jobs.job(id: failed)?.state == .discarded)
            let it = Browser(client)
            _ = try await it.signIn("staff-informatica")
            #expect(try await it.post("/instancia/trabajos/\(failed)/reintentar", csrf: false).status == .forbidden)
            #expect(
                try await it.post("/instancia/trabajos/\(failed)/reintentar", [("csrf", String(repeating: "a", count: 64))], csrf: false).status == .forbidden)
            #expect(try await jobs.job(id: failed)?.state == .discarded)
            #expect(try await Browser(client).get("/instancia/trabajos").location?.hasPrefix("/entrar") == true)
        }
    }

    @Test func errorTextsAreMaskedAndCut() {
        #expect(JobErrorText.shown("rechazado <a.b-c@correo.example.mx>: 550") == "rechazado <[correo oculto]>: 550")
        #expect(JobErrorText.shown("curp GOML800101HJCRPR09 x") == "curp [CURP oculta] x")
        #expect(JobErrorText.shown(String(repeating: "x", count: 700)).count == JobErrorText.maximumLength + 1)
        #expect(JobErrorText.shown("candidacy JAL-GUB-PAN-1 does not exist") == "candidacy JAL-GUB-PAN-1 does not exist")
    }
}
