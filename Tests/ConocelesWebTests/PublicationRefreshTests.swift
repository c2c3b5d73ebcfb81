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

/// The one-profile path (`publication.refresh_profile`): staff's publication of one
/// candidacy and a withdrawal change that candidacy's row only, and it shows (or stops
/// showing) in every public place before any full rebuild.
@Suite("Publication: one-profile refresh")
struct PublicationRefreshTests {
    static func refresh(_ db: Database, _ process: ElectionProcess, _ id: String) async throws {
        let builder = PublicationBuilder(client: db.client, cipher: testCipher, process: process, catalogs: jaliscoCatalogs)
        try await JobTesting.perform(
            PublicationProfileRefreshWorker(builder: builder, jobs: JobClient(client: db.client, logger: TestDatabase.logger)),
            args: .init(candidacyID: id, reason: "test"))
    }

    /// The refresh jobs waiting for `id`.
    static func refreshJobs(_ db: Database, for id: String) async throws -> Int {
        try await JobTesting.enqueued(db, kind: PublicationProfileRefreshWorker.kind).filter { $0.args.contains("\"\(id)\"") }.count
    }

    @Test func staffPublicationOfOneProfileRefreshesOnlyItAndAWithdrawalRemovesIt() async throws {
        let published = WebFixtures.candidacy("C-UNO", party: "PAN", name: "Aurelia Núñez Quintero")
        let other = WebFixtures.candidacy("C-OTRA", party: "PRI", name: "Bernardo Salas Ochoa")
        let site = PublicationTests()
        try await site.withSite([published, other]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let repository = PublicationRepository(client: db.client, logger: TestDatabase.logger)
            let before = try #require(try await repository.current(processID: process.id)).version
            #expect(try await browser.get("/perfil/C-UNO").text.contains(PublishedProfile.noInformationMark))

            // Staff publish through the site: a one-profile job, no full rebuild.
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await StaffTests.authorize(db, published.id)
            try await browser.signIn("ana.staff")
            #expect(try await browser.post("/instancia/candidaturas/C-UNO/verificar", [("publicar", "si")]).status == .seeOther)
            #expect(try await Self.refreshJobs(db, for: "C-UNO") == 1)
            #expect(try await JobTesting.enqueued(db, kind: PublicationRebuildWorker.kind).isEmpty)
            _ = try await browser.post("/salir")

            try await Self.refresh(db, process, published.id)
            let after = try #require(try await repository.current(processID: process.id)).version
            #expect(after > before)
            let profile = try await browser.get("/perfil/C-UNO").text
            #expect(profile.contains("Trabajé veinte años como maestra rural en Los Altos de Jalisco"))
            #expect(!profile.contains(PublishedProfile.noInformationMark))
            #expect(try await browser.get("/candidaturas-publicas?nombre=aurelia").text.contains("Aurelia Núñez Quintero"))
            #expect(try await browser.get("/datos-abiertos/candidaturas.csv").text.contains("Licenciatura"))
            #expect(try await browser.get("/api/v1/publico/candidaturas/C-UNO").text.contains("maestra rural"))
            #expect(try await browser.get("/perfil/C-OTRA").text.contains("Bernardo Salas Ochoa"))
            // The statistics are recounted by the windowed full rebuild the refresh asked for.
            let windowed = try await JobTesting.enqueued(db, kind: PublicationRebuildWorker.kind)
            #expect(windowed.count == 1)
            #expect(windowed.first.map { $0.scheduledAt > Date() } == true)

            // A cancellation: its refresh removes the row; statistics follow with the full rebuild.
            try await PublicationTests.withdraw(db, published.id, as: .cancelled)
            try await Self.refresh(db, process, published.id)
            try await PublicationTests.rebuild(db, process)
            for (uri, status, text) in try await PublicationTests.everywhere(browser, id: "C-UNO") {
                #expect(!text.contains("Aurelia Núñez"), "\(uri) still shows the cancelled candidacy")
                #expect(!text.contains("maestra rural"), "\(uri)")
                if uri.hasSuffix("C-UNO") { #expect(status == .notFound, "\(uri)") }
            }
            #expect(try await browser.get("/candidaturas-publicas").text.contains("Bernardo Salas Ochoa"))
        }
    }

    @Test func aWithdrawalDisappearsAfterItsRefreshAlone() async throws {
        let leaving = WebFixtures.candidacy("C-SALE", party: "PAN", name: "Aurelia Saliente Campos")
        let staying = WebFixtures.candidacy("C-QUEDA", party: "PRI", name: "Bernardo Salas Ochoa")
        let site = PublicationTests()
        try await site.withSite([leaving, staying]) { browser, db, process in
            try await PublicationTests.publish(db, leaving.id)
            try await PublicationTests.rebuild(db, process)
            #expect(try await browser.get("/perfil/C-SALE").status == .ok)

            try await PublicationTests.withdraw(db, leaving.id, as: .substituted)
            try await Self.refresh(db, process, leaving.id)
            for uri in [
                "/candidaturas-publicas", "/candidaturas-publicas?nombre=aurelia", "/perfil/C-SALE", "/cumplimiento",
                "/datos-abiertos/candidaturas.csv", "/datos-abiertos/candidaturas.json", "/api/v1/publico/candidaturas",
                "/api/v1/publico/candidaturas/C-SALE",
            ] {
                let text = try await browser.get(uri).text
                #expect(!text.contains("Aurelia Saliente"), "\(uri) still shows the withdrawn candidacy")
                #expect(!text.contains("C-SALE") || uri.hasSuffix("C-SALE"), "\(uri)")
            }
            #expect(try await browser.get("/perfil/C-SALE").status == .notFound)
            #expect(try await browser.get("/perfil/C-QUEDA").status == .ok)
        }
    }
}
