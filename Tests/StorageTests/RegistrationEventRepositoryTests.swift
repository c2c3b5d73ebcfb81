import Foundation
import Storage
import Testing
import TestSupport

@Suite("RegistrationEventRepository")
struct RegistrationEventRepositoryTests {
    func event(_ id: String, _ kind: RegistrationEvent.Kind = .approval, candidacy: String = "C-1") -> RegistrationEvent {
        RegistrationEvent(
            id: id, processID: StorageFactories.processID, kind: kind, candidacyID: candidacy,
            body: #"{"candidatura": "\#(candidacy)", "tipo": "\#(kind.rawValue)"}"#, source: .api,
            signature: String(repeating: "f", count: 64), signedAt: Date(timeIntervalSince1970: 1_711_000_000))
    }

    @Test func recordsOnceAndRecognizesRedeliveries() async throws {
        try await TestDatabase.with { db in
            try await StorageFactories.seed(db)
            let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
            #expect(try await events.record(event("E-1")) == .recorded)
            #expect(try await events.record(event("E-1")) == .duplicate(.pending))
            let stored = try #require(try await events.event(id: "E-1"))
            #expect(stored.kind == .approval)
            #expect(stored.signature?.count == 64)
            #expect(stored.body.contains("\"candidatura\""))
            #expect(try await events.pendingEvents().map(\.id) == ["E-1"])
            try await events.settle("E-1", to: .applied)
            #expect(try await events.record(event("E-1")) == .duplicate(.applied))
            await #expect(throws: StorageError.self) { try await events.settle("E-1", to: .rejected, reason: "tarde") }
        }
    }

    @Test func aCancellationBeforeItsApprovalIsHeldThenApplied() async throws {
        try await TestDatabase.with { db in
            try await StorageFactories.seed(db)
            let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
            _ = try await events.record(event("E-2", .cancellation, candidacy: "C-9"))
            try await events.settle("E-2", to: .held, reason: "La candidatura C-9 aún no se aprueba.")
            let held = try await events.heldEvents(candidacyID: "C-9")
            #expect(held.map(\.id) == ["E-2"])
            #expect(held[0].statusReason?.contains("C-9") == true)
            try await events.settle("E-2", to: .applied)
            #expect(try await events.event(id: "E-2")?.appliedAt != nil)
            #expect(try await events.heldEvents(candidacyID: "C-9").isEmpty)
        }
    }

    @Test func anUnsignedAPIEventIsRefusedByTheDatabase() async throws {
        try await TestDatabase.with { db in
            try await StorageFactories.seed(db)
            var unsigned = event("E-3")
            unsigned.signature = nil
            let error = await #expect(throws: (any Error).self) {
                try await RegistrationEventRepository(client: db.client, logger: TestDatabase.logger).record(unsigned)
            }
            #expect(StorageFactories.sqlState(error) == "23514")
        }
    }
}
