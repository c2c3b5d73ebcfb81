import ConocelesCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("CandidacyRepository")
struct CandidacyRepositoryTests {
    @Test func registersAndReadsBackEveryShapeOfCandidacy() async throws {
        try await TestDatabase.with { db in
            let candidacies = [
                StorageFactories.candidacy("C-GUB"),
                StorageFactories.candidacy(
                    "C-MR", office: "DIP_MR", district: 2, position: .alternate,
                    age: .birthDate(LocalDate("1990-05-17")!), affirmativeAction: .youth,
                    entity: .coalition(code: "CAB")),
                StorageFactories.candidacy(
                    "C-REG", office: "REG", municipality: "039", listPosition: 3,
                    entity: .independent(code: "IND-7")),
            ]
            try await StorageFactories.seed(db, candidacies)
            let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
            for candidacy in candidacies { #expect(try await repository.candidacy(id: candidacy.id) == candidacy) }
            #expect(try await repository.candidacies(processID: StorageFactories.processID).count == 3)
            #expect(try await repository.candidacies(processID: StorageFactories.processID, officeCode: "REG").map(\.id) == ["C-REG"])
            #expect(try await repository.candidacies(processID: StorageFactories.processID, entity: .coalition(code: "CAB")).map(\.id) == ["C-MR"])
            #expect(try await repository.countsByStatus(processID: StorageFactories.processID) == [.approved: 3])
            // Each gets a pending workflow and an audit line.
            #expect(try await StorageFactories.workflows(db).workflow(for: "C-REG").state == .pending)
            #expect(try await StorageFactories.audit(db).records(forCandidacy: "C-MR").map(\.entry.action) == ["candidacy.register"])
        }
    }

    @Test func aDuplicateIDIsAConflictAndAnUnknownOfficeIsRefused() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
            await #expect(throws: StorageError.self) { try await repository.register(StorageFactories.candidacy(id), by: .system("test")) }
            let error = await #expect(throws: (any Error).self) {
                try await repository.register(StorageFactories.candidacy("C-X", office: "SENADO"), by: .system("test"))
            }
            #expect(StorageFactories.sqlState(error) == "23503")
        }
    }

    @Test func withdrawingBlocksSensitiveDataDisablesTheAccountAndIsFinal() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (account, _) = try await accounts.create(
                .candidate(username: "maria.lopez", email: "maria@example.mx", displayName: "María", processID: StorageFactories.processID, candidacyID: id),
                activationTTL: .seconds(3600), by: .system("account.issue"))
            let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
            let withdrawn = try await repository.withdraw(id, as: .substituted, by: .system("registration.ingest"))
            #expect(withdrawn.status == .substituted)
            #expect(try await repository.candidacy(id: id)?.status == .substituted)
            #expect(try await accounts.account(id: account.id)?.disabledAt != nil)
            let error = await #expect(throws: StorageError.self) { try await repository.withdraw(id, as: .cancelled, by: .system("x")) }
            #expect(error?.code == .conflict)
            await #expect(throws: StorageError(.notFound, "La candidatura NOPE no existe.")) {
                try await repository.withdraw("NOPE", as: .cancelled, by: .system("x"))
            }
            let last = try await StorageFactories.audit(db).records(forCandidacy: id).last?.entry
            #expect(last?.action == "candidacy.withdraw")
            #expect(last?.changes["to"] == "sustituida")
            // A withdrawn candidacy's profile does not move any more.
            await #expect(throws: StorageError.self) {
                try await StorageFactories.workflows(db).apply(.startCapture, to: id, by: StorageFactories.candidate)
            }
        }
    }

    @Test func theProcessCatalogIsCopiedIntoTables() async throws {
        try await TestDatabase.with { db in
            try await StorageFactories.seed(db)
            try await StorageFactories.seed(db)  // twice: idempotent
            var counts: [Int] = []
            for try await row in try await db.client.query(
                """
                SELECT (SELECT count(*) FROM offices), (SELECT count(*) FROM postulating_entities), (SELECT count(*) FROM coalition_parties)
                """
            ).decode((Int, Int, Int).self) { counts = [row.0, row.1, row.2] }
            #expect(counts == [3, 3, 2])
        }
    }
}
