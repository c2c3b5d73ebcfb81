import ConocelesConfig
import ConocelesCore
@testable import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

/// The public side: the rebuild's snapshot and every page, file and API response built on
/// it. Each test publishes through the workflow, rebuilds, and reads as an anonymous visitor.
@Suite("Publication: portal, open data, public API")
struct PublicationTests {
    static let payload = "<script>alert(1)</script>"

    func withSite(_ candidacies: [Candidacy], _ body: @Sendable @escaping (Browser, Database, ElectionProcess) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await WebFixtures.seed(db, process, candidacies)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(Browser(client), db, process) }
        }
    }

    /// Runs `publication.rebuild` as the queue would, then releases the identity statistics (forced: in production a
    /// release comes at most once per `publication.statistics_refresh_hours`).
    static func rebuild(_ db: Database, _ process: ElectionProcess) async throws {
        let builder = PublicationBuilder(client: db.client, cipher: testCipher, process: process, catalogs: jaliscoCatalogs)
        try await JobTesting.perform(
            PublicationRebuildWorker(client: db.client, builder: builder, processID: process.id),
            args: .init(reason: "test"))
        try await JobTesting.perform(StatisticsReleaseWorker(publisher: statisticsPublisher(db, process)), args: .init(force: true))
    }

    /// The statistics publisher of the test site (daily releases in the process's time zone).
    static func statisticsPublisher(_ db: Database, _ process: ElectionProcess, clock: @escaping @Sendable () -> Date = { Date() }) -> StatisticsPublisher {
        StatisticsPublisher(
            client: db.client, builder: PublicationBuilder(client: db.client, cipher: testCipher, process: process, catalogs: jaliscoCatalogs),
            cipher: testCipher, processID: process.id, refreshHours: 24, timeZone: TimeZone(identifier: process.timeZone)!, clock: clock)
    }

    static func publish(_ db: Database, _ id: String, _ answers: CurricularQuestionnaire = StaffTests.curricular()) async throws {
        try await StaffTests.authorize(db, id, answers)
        try await StaffTests.publish(db, id)
    }

    static func withdraw(_ db: Database, _ id: String, as status: CandidacyStatus) async throws {
        try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).withdraw(id, as: status, by: .system("test"))
    }

    /// Every public place a candidacy can appear, with its body.
    static func everywhere(_ browser: Browser, id: String) async throws -> [(uri: String, status: HTTPResponse.Status, text: String)] {
        var result: [(String, HTTPResponse.Status, String)] = []
        for uri in [
            "/candidaturas-publicas", "/candidaturas-publicas?nombre=Aurelia", "/perfil/\(id)", "/cumplimiento",
            "/datos-abiertos", "/datos-abiertos/candidaturas.csv", "/datos-abiertos/candidaturas.json",
            "/datos-abiertos/estadisticas-identidad.csv", "/api/v1/publico/candidaturas",
            "/api/v1/publico/candidaturas?nombre=aurelia", "/api/v1/publico/candidaturas/\(id)",
        ] {
            let response = try await browser.get(uri)
            result.append((uri, response.status, response.text))
        }
        return result
    }

    // MARK: Appearing and disappearing

    @Test func aPublishedCandidacyAppearsEverywhereAndNowhereOnceCancelled() async throws {
        let published = WebFixtures.candidacy("C-PUB", party: "PAN", name: "Aurelia Núñez Quintero")
        let waiting = WebFixtures.candidacy("C-ESPERA", party: "PRI", name: "Bernardo Salas Ochoa")
        try await withSite([published, waiting]) { browser, db, process in
            try await Self.publish(db, published.id)
            try await Self.rebuild(db, process)

            let search = try await browser.get("/candidaturas-publicas?nombre=aurelia+nunez")
            #expect(search.status == .ok)
            #expect(search.text.contains("Aurelia Núñez Quintero"))
            #expect(!search.text.contains("Bernardo Salas Ochoa"))
            let profile = try await browser.get("/perfil/C-PUB")
            #expect(profile.text.contains("Trabajé veinte años como maestra rural en Los Altos de Jalisco"))
            #expect(profile.text.contains("Licenciatura"))
            #expect(!profile.text.contains(PublishedProfile.noInformationMark))
            #expect(try await browser.get("/datos-abiertos/candidaturas.csv").text.contains("Aurelia Núñez Quintero"))
            #expect(try await browser.get("/datos-abiertos/candidaturas.json").text.contains("Aurelia Núñez Quintero"))
            let api = try await browser.get("/api/v1/publico/candidaturas?nombre=AURELIA")
            #expect(api.text.contains("Aurelia Núñez Quintero"))
            #expect(api.headers[.accessControlAllowOrigin] == "*")
            #expect(api.headers[.cacheControl]?.contains("max-age") == true)
            let etag = try #require(api.headers[.eTag])
            let again = try await browser.send(
                "/api/v1/publico/candidaturas?nombre=AURELIA", method: .get,
                headers: [.ifNoneMatch: etag], body: nil)
            #expect(again.status == .notModified)
            #expect(try await browser.get("/api/v1/publico/candidaturas/C-PUB").text.contains("maestra rural"))
            let statistics = try await browser.get("/datos-abiertos/estadisticas-identidad.csv").text
            #expect(statistics.contains("Partido Acción Nacional"))
            let compliance = try await browser.get("/cumplimiento").text
            #expect(compliance.contains("Partido Acción Nacional"))

            // The active candidacy without a published profile is listed with the mark only.
            let all = try await browser.get("/candidaturas-publicas").text
            #expect(all.contains("Bernardo Salas Ochoa"))
            #expect(all.contains(PublishedProfile.noInformationMark))
            let waitingProfile = try await browser.get("/perfil/C-ESPERA").text
            #expect(waitingProfile.contains(PublishedProfile.noInformationMark))
            #expect(!waitingProfile.contains("Edad"))

            try await Self.withdraw(db, published.id, as: .cancelled)
            // Until the rebuild, the snapshot still shows it (pages read only the snapshot).
            #expect(try await browser.get("/perfil/C-PUB").status == .ok)
            try await Self.rebuild(db, process)
            for (uri, status, text) in try await Self.everywhere(browser, id: "C-PUB") {
                #expect(!text.contains("Aurelia Núñez"), "\(uri) still shows the cancelled candidacy")
                #expect(!text.contains("maestra rural"), "\(uri)")
                if !uri.hasPrefix("/candidaturas-publicas") {  // the search form lists every party
                    #expect(!text.contains("Partido Acción Nacional"), "\(uri) still counts the cancelled candidacy's party")
                }
                if uri.hasSuffix("C-PUB") { #expect(status == .notFound, "\(uri)") }
            }
            #expect(try await browser.get("/candidaturas-publicas").text.contains("Bernardo Salas Ochoa"))
        }
    }

    @Test func aSubstitutedCandidacyDisappearsAndItsSubstituteAppearsOncePublished() async throws {
        let old = WebFixtures.candidacy("C-VIEJA", party: "PAN", name: "Aurelia Vieja Campos")
        try await withSite([old]) { browser, db, process in
            try await Self.publish(db, old.id)
            try await Self.rebuild(db, process)
            #expect(try await browser.get("/perfil/C-VIEJA").status == .ok)

            try await Self.withdraw(db, old.id, as: .substituted)
            var substitute = WebFixtures.candidacy("C-NUEVA", party: "PAN", name: "Aurelia Nueva Robles")
            substitute.replacesCandidacyID = old.id
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).register(substitute, by: .system("test"))
            try await Self.rebuild(db, process)
            for (uri, status, text) in try await Self.everywhere(browser, id: "C-VIEJA") {
                #expect(!text.contains("Aurelia Vieja"), "\(uri) still shows the substituted candidacy")
                if uri.hasSuffix("C-VIEJA") { #expect(status == .notFound, "\(uri)") }
            }
            // Listed at once, without information; with its profile once published.
            let listed = try await browser.get("/perfil/C-NUEVA").text
            #expect(listed.contains("Aurelia Nueva Robles"))
            #expect(listed.contains(PublishedProfile.noInformationMark))
            try await Self.publish(db, substitute.id, StaffTests.curricular(history: "Historia de la persona sustituta en Zapopan"))
            try await Self.rebuild(db, process)
            let profile = try await browser.get("/perfil/C-NUEVA").text
            #expect(profile.contains("Historia de la persona sustituta en Zapopan"))
            #expect(!profile.contains(PublishedProfile.noInformationMark))
            let csv = try await browser.get("/datos-abiertos/candidaturas.csv").text
            #expect(csv.contains("Aurelia Nueva Robles"))
            #expect(!csv.contains("Aurelia Vieja"))
            #expect(try await browser.get("/api/v1/publico/candidaturas?nombre=aurelia").text.contains("\"total\":1"))
        }
    }

    // MARK: Identity

    static func identity() -> IdentityQuestionnaire {
        IdentityQuestionnaire(
            indigenous: IndigenousSection(
                identifiesAsIndigenous: .yes, speaksIndigenousLanguage: .no,
                people: .answered(.other(text: "Comunidad coca de Mezcala"))),
            disability: DisabilitySection(hasDisability: .no), afroMexican: .no,
            sexualDiversity: SexualDiversitySection(isLGBTTTIQ: .no), migrant: MigrantSection(isMigrant: .no),
            youth: .no, olderPerson: .no,
            socioeconomic: SocioeconomicSection(incomeBracket: Choice(.from25001To50000), incomeSource: Choice(.salary)),
            stateOfBirth: .entry(key: "14"))
    }

    @Test func identityAnswersAppearOnlyWithConsentOrForTheAffirmativeAction() async throws {
        let consenting = WebFixtures.candidacy("C-CONSIENTE", party: "PAN", name: "Con Consentimiento")
        let silent = WebFixtures.candidacy("C-SIN", party: "PRI", name: "Sin Consentimiento")
        let affirmative = {
            var candidacy = WebFixtures.candidacy("C-ACCION", party: "PAN", office: "DIP_MR", district: 1, name: "Por Accion Afirmativa")
            candidacy.affirmativeAction = .disability
            return candidacy
        }()
        try await withSite([consenting, silent, affirmative]) { browser, db, process in
            let questionnaires = StaffTests.questionnaires(db)
            for id in [consenting.id, silent.id] {
                try await questionnaires.saveIdentity(Self.identity(), for: id, by: AuditActor(StaffTests.representative))
            }
            _ = try await questionnaires.recordConsent(granted: true, for: consenting.id, by: AuditActor(StaffTests.representative))
            for id in [consenting.id, silent.id, affirmative.id] { try await Self.publish(db, id) }
            try await Self.rebuild(db, process)

            let shown = try await browser.get("/perfil/C-CONSIENTE").text
            #expect(shown.contains("Persona indígena"))
            #expect(shown.contains("Comunidad coca de Mezcala"))
            #expect(shown.contains("Con su consentimiento expreso"))
            for uri in [
                "/perfil/C-SIN", "/api/v1/publico/candidaturas/C-SIN", "/datos-abiertos/candidaturas.json",
                "/datos-abiertos/candidaturas.csv",
            ] {
                let text = try await browser.get(uri).text
                #expect(!text.contains("Mezcala") || uri.hasSuffix(".json"), "\(uri)")
                if uri.hasSuffix("C-SIN") { #expect(!text.contains("Persona indígena") && !text.contains("indigena"), "\(uri)") }
            }
            let json = try await browser.get("/api/v1/publico/candidaturas/C-SIN").text
            #expect(json.contains("\"identity\":[]"))
            let action = try await browser.get("/perfil/C-ACCION").text
            #expect(action.contains("Persona con discapacidad"))
            #expect(action.contains("Candidatura registrada por acción afirmativa"))

            // Revoking consent removes the answers at the next rebuild.
            _ = try await questionnaires.recordConsent(granted: false, for: consenting.id, by: AuditActor(StaffTests.representative))
            try await Self.rebuild(db, process)
            let revoked = try await browser.get("/perfil/C-CONSIENTE").text
            #expect(revoked.contains("Con Consentimiento"))
            #expect(!revoked.contains("Mezcala"))
            #expect(!revoked.contains("Persona indígena"))
            #expect(!(try await browser.get("/api/v1/publico/candidaturas/C-CONSIENTE").text.contains("Mezcala")))
            #expect(!(try await browser.get("/datos-abiertos/candidaturas.json").text.contains("Mezcala")))

            // Statistics are aggregated: no names, and rows of fewer than five profiles show no counts.
            let statistics = try await browser.get("/datos-abiertos/estadisticas-identidad.csv").text
            #expect(!statistics.contains("Con Consentimiento"))
            #expect(!statistics.contains("Mezcala"))
            #expect(statistics.contains(OpenDataController.suppressed))
        }
    }

    // MARK: Open data

    @Test func theCSVHasINEColumnsInOrderAndParsesBack() async throws {
        let published = WebFixtures.candidacy("C-CSV", party: "PAN", name: "Lucía \"La Maestra\" Pérez")
        let waiting = WebFixtures.candidacy("C-CSV2", party: "PRI", office: "PM", municipality: "039", name: "Mario Ruiz")
        try await withSite([published, waiting]) { browser, db, process in
            var answers = StaffTests.curricular(history: "Primera línea, con coma\nSegunda línea")
            answers.contact.phones = ["3312345678", "3387654321"]
            try await Self.publish(db, published.id, answers)
            try await Self.rebuild(db, process)
            let response = try await browser.get("/datos-abiertos/candidaturas.csv")
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            let rows = Self.parseCSV(response.text)
            #expect(rows.first == IneOpenData.columns)
            #expect(rows.first?.count == 25)
            #expect(rows.count == 3)
            let lucia = try #require(rows.first { $0.count == 25 && $0[7] == "Lucía \"La Maestra\" Pérez" })
            #expect(lucia[0] == "Partido Acción Nacional")
            #expect(lucia[12] == "3312345678 | 3387654321")
            #expect(lucia[19] == "Primera línea, con coma\nSegunda línea")
            #expect(lucia[16] == "Licenciatura")
            #expect(lucia[14] == PublicationRules.notProvided)
            let mario = try #require(rows.first { $0.count == 25 && $0[7] == "Mario Ruiz" })
            #expect(mario[5] == "Guadalajara")
            #expect(mario[19] == PublicationRules.notProvided)
            #expect(mario[22] == PublicationRules.notProvided)
        }
    }

    /// RFC 4180 parsing, independent of the writer.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    // MARK: Escaping

    @Test func scriptPayloadsInPublishedFieldsComeBackEscaped() async throws {
        let candidacy = WebFixtures.candidacy("C-XSS", name: "Nombre \(Self.payload)")
        try await withSite([candidacy]) { browser, db, process in
            var answers = StaffTests.curricular(history: "Historia \(Self.payload)")
            answers.otherTraining = ["Diplomado <img src=x onerror=alert(1)>"]
            answers.contact.webPage = "javascript:alert(3)"
            try await Self.publish(db, candidacy.id, answers)
            try await Self.rebuild(db, process)
            for uri in ["/candidaturas-publicas", "/perfil/C-XSS", "/cumplimiento", "/datos-abiertos"] {
                let body = try await browser.get(uri).text
                #expect(!body.contains("<script>alert"), "\(uri)")
                #expect(!body.contains("<img src=x"), "\(uri)")
                #expect(!body.contains("href=\"javascript:"), "\(uri)")
            }
            let profile = try await browser.get("/perfil/C-XSS").text
            #expect(profile.contains("Historia &lt;script&gt;alert(1)&lt;/script&gt;"))
            let api = try await browser.get("/api/v1/publico/candidaturas/C-XSS")
            #expect(api.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    // MARK: The job

    @Test func theRebuildIsUniqueAndEnqueuedByPublicationAndByStaff() async throws {
        let candidacy = WebFixtures.candidacy("C-JOB")
        try await withSite([candidacy]) { browser, db, process in
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            try await PublicationRebuildJob.enqueue(processID: process.id, reason: "a", jobs: jobs, logger: TestDatabase.logger)
            try await PublicationRebuildJob.enqueue(processID: process.id, reason: "b", jobs: jobs, logger: TestDatabase.logger)
            #expect(try await JobTesting.enqueued(db, kind: PublicationRebuildWorker.kind).count == 1)
            let repository = PublicationRepository(client: db.client, logger: TestDatabase.logger)
            #expect(try await repository.rebuildRequests(processID: process.id) == 2)

            // Staff's publication enqueues it in the same transaction (still one live job);
            // "Re-publicar" too.
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await StaffTests.authorize(db, candidacy.id)
            try await browser.signIn("ana.staff")
            let published = try await browser.post("/instancia/candidaturas/C-JOB/verificar", [("publicar", "si")])
            #expect(published.status == .seeOther)
            #expect(try await repository.rebuildRequests(processID: process.id) == 3)
            let queue = try await browser.get("/instancia/verificacion").text
            #expect(queue.contains("Re-publicar"))
            #expect(queue.contains("aún no se ha construido"))
            #expect(try await browser.post("/instancia/publicacion/reconstruir").status == .seeOther)
            #expect(try await browser.post("/instancia/publicacion/reconstruir", [], csrf: false).status == .forbidden)
            #expect(try await repository.rebuildRequests(processID: process.id) == 4)
            #expect(try await JobTesting.enqueued(db, kind: PublicationRebuildWorker.kind).count == 1)

            try await Self.rebuild(db, process)
            let current = try #require(try await repository.current(processID: process.id))
            #expect(try await browser.get("/instancia/verificacion").text.contains("Versión pública \(current.version)"))
            #expect(try await browser.get("/perfil/C-JOB").status == .ok)
        }
    }

    @Test func theListingWindowGrowsWithTheLastRebuildsDuration() async throws {
        try await TestDatabase.with { db async throws in
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            /// The listing window now, after checking that a newly asked listing rebuild is
            /// keyed by the instant its window ends (aligned to the window) and runs just after.
            func window() async throws -> Int {
                let window = try await db.client.withConnection { connection in
                    try await PublicationRebuildJob.listingWindow(jobs: jobs, on: connection)
                }
                try await db.client.withTransaction(logger: TestDatabase.logger) { tx in
                    try await PublicationRebuildJob.enqueueListing(jobs: jobs, on: tx)
                }
                var checked = false
                for try await (key, ahead) in try await db.client.query(
                    """
                    SELECT unique_key, extract(epoch FROM scheduled_at - now())::float8 FROM jobs
                     WHERE kind = \(PublicationRebuildWorker.kind) AND state = 'scheduled' ORDER BY id DESC LIMIT 1
                    """, logger: TestDatabase.logger
                ).decode((String, Double).self) {
                    let end = try #require(Int(key.split(separator: "@").last ?? ""))
                    #expect(end % window == 0 && ahead > 0 && ahead <= Double(window) + 2)
                    checked = true
                }
                #expect(checked)
                return window
            }
            func completedRebuild(took seconds: Int) async throws {
                try await db.client.query(
                    """
                    INSERT INTO jobs (kind, queue, args, state, attempted_at, finalized_at)
                    VALUES (\(PublicationRebuildWorker.kind), 'publication', '{}', 'completed',
                            now() - make_interval(secs => \(seconds)), now())
                    """, logger: TestDatabase.logger)
            }
            // No rebuild yet: the 30 s window.
            #expect(try await window() == 30)
            // The last rebuild took 20 s: doubled from 30 s until ten times that.
            try await completedRebuild(took: 20)
            #expect(try await window() == 240)
            // Never more than 8 minutes.
            try await completedRebuild(took: 7_200)
            #expect(try await window() == 480)
        }
    }

    @Test func registrationApprovalsAndCancellationsRequestARebuild() async throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        try await withSite([]) { browser, db, _ in
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let definitions = try PipelineDefinition.loadAll(directory: "\(repositoryRoot)/pipelines", knownKinds: WorkerRegistry.kinds)
            let environment = try JobEnvironment(
                client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: InMemoryMailTransport(),
                pipelines: PipelineEngine(definitions: definitions, jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
            let events = EventsApiTests()
            let repository = PublicationRepository(client: db.client, logger: TestDatabase.logger)

            try await events.post(browser.client, EventsApiTests.approval(id: "evt-1", candidacy: "C-1", name: "Ana Pérez")) {
                #expect($0.status == .accepted || $0.status == .ok)
            }
            try await JobTesting.perform(RegistrationIngestWorker(environment: environment), args: IngestJob(eventID: "evt-1"))
            // An approval is listed by a rebuild scheduled at the end of its window (bursts collapse),
            // without touching the shared request counter.
            #expect(try await repository.rebuildRequests(processID: process.id) == 0)
            let listing = try await JobTesting.enqueued(db, kind: PublicationRebuildWorker.kind)
            #expect(listing.count == 1)
            #expect(listing.first.map { $0.scheduledAt > Date() && $0.scheduledAt <= Date().addingTimeInterval(32) } == true)
            try await Self.rebuild(db, process)
            let listed = try await browser.get("/candidaturas-publicas?nombre=ana").text
            #expect(listed.contains("Ana Pérez"))
            #expect(listed.contains(PublishedProfile.noInformationMark))

            let cancellation = #"{"id": "evt-2", "type": "candidacy.cancelled", "occurred_at": "2024-04-05T18:00:00Z", "candidacy_id": "C-1"}"#
            try await events.post(browser.client, cancellation) { #expect($0.status == .accepted || $0.status == .ok) }
            try await JobTesting.perform(RegistrationIngestWorker(environment: environment), args: IngestJob(eventID: "evt-2"))
            // A withdrawal goes at once: the counter moves and a job is available now.
            #expect(try await repository.rebuildRequests(processID: process.id) == 1)
            try await Self.rebuild(db, process)
            #expect(!(try await browser.get("/candidaturas-publicas?nombre=ana").text.contains("Ana Pérez")))
            #expect(try await browser.get("/perfil/C-1").status == .notFound)
        }
    }

    @Test func theHomePageLinksThePublicPages() async throws {
        try await withSite([]) { browser, _, _ in
            let home = try await browser.get("/").text
            #expect(home.contains("Candidatas y Candidatos, Conóceles"))
            for href in ["/candidaturas-publicas", "/cumplimiento", "/datos-abiertos"] { #expect(home.contains("href=\"\(href)\"")) }
            // Before the first rebuild the pages answer, empty.
            #expect(try await browser.get("/candidaturas-publicas").status == .ok)
            #expect(try await browser.get("/datos-abiertos/candidaturas.csv").text == OpenDataController.csv([IneOpenData.columns]))
        }
    }
}
