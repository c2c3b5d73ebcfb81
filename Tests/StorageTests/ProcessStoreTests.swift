import ConocelesCore
import Storage
import Testing
import TestSupport

@Suite("ProcessStore")
struct ProcessStoreTests {
    @Test func registersAndRefreshesTheProcess() async throws {
        try await TestDatabase.with { db in
            let store = ProcessStore(client: db.client, logger: TestDatabase.logger)
            var process = ElectionProcess(
                id: "p1", name: "Proceso uno", electoralBody: "OPL", entity: "14", timeZone: "America/Mexico_City",
                electionDay: LocalDate("2024-06-02")!, publicationDate: LocalDate("2024-04-01")!,
                municipalitiesCatalog: "m.csv", districts: 1,
                offices: [Office(code: "GUB", name: "Gubernatura", scope: .state, seats: 1)],
                parties: [PoliticalParty(code: "A", name: "A")], coalitions: [],
                deadlines: Deadlines(accountsSentDays: 3, substituteCaptureDays: 5, captureDeadlines: []))
            try await store.register(process)
            try await store.register(process)
            #expect(try await store.registered() == ["p1": "Proceso uno"])
            process.name = "Proceso renombrado"
            try await store.register(process)
            #expect(try await store.registered() == ["p1": "Proceso renombrado"])
        }
    }
}
