import ConocelesCore
import Crypto
import Foundation
import Storage
import Testing
import TestSupport

@Suite("AccountRepository")
struct AccountRepositoryTests {
    func newCandidateAccount(_ id: String) -> NewAccount {
        .candidate(
            username: "c.\(id.lowercased())", email: "persona@example.mx", displayName: "María López",
            processID: StorageFactories.processID, candidacyID: id)
    }

    @Test func storesOnlyTheHashOfTheActivationTokenAndActivates() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (account, token) = try await accounts.create(newCandidateAccount(id), activationTTL: .seconds(3600), by: .system("account.issue"))
            #expect(account.role == .candidate)
            #expect(account.candidacyID == id)
            #expect(account.activationExpiresAt != nil)
            #expect(!account.isUsable)

            var stored: Data?
            var plaintextHits = -1
            for try await (hash, hits) in try await db.client.query(
                """
                SELECT activation_token_hash, (SELECT count(*) FROM accounts a WHERE a::text LIKE '%' || \(token.value) || '%')
                  FROM accounts WHERE id = \(account.id)
                """
            ).decode((Data, Int).self) { stored = hash; plaintextHits = hits }
            #expect(stored == Data(SHA256.hash(data: Data(token.value.utf8))))
            #expect(plaintextHits == 0)

            #expect(try await accounts.credentials(username: account.username) == nil, "not activated yet")
            let hash = "$2b$12$abcdefghijklmnopqrstuuJ1Yl4p8q1TzQd9yQ6x0tG2W6m3K5Hk."
            let activated = try await accounts.activate(token: token, passwordHash: hash)
            #expect(activated.isUsable)
            #expect(try await accounts.credentials(username: "C.\(id.lowercased())")?.1 == hash)
            await #expect(throws: StorageError.self) { try await accounts.activate(token: token, passwordHash: hash) }
            let actions = try await StorageFactories.audit(db).records(subjectType: "account", subjectID: account.id.uuidString).map(\.entry.action)
            #expect(actions == ["account.create", "account.activate"])
        }
    }

    @Test func anExpiredTokenDoesNotActivateAndCanBeReissued() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let past = Date().addingTimeInterval(-7200)
            let (account, token) = try await accounts.create(newCandidateAccount(id), activationTTL: .seconds(3600), by: .system("t"), at: past)
            await #expect(throws: StorageError.self) { try await accounts.activate(token: token, passwordHash: "$2b$12$x") }
            let fresh = try await accounts.reissueActivation(accountID: account.id, activationTTL: .seconds(3600), by: .system("t"))
            #expect(try await accounts.activate(token: fresh, passwordHash: "$2b$12$x").activatedAt != nil)
        }
    }

    @Test func oneAccountPerCandidacyAndOneLiveGenericAccountPerEntity() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            _ = try await accounts.create(newCandidateAccount(id), activationTTL: .seconds(60), by: .system("t"))
            var again = newCandidateAccount(id)
            again.username = "otra.cuenta"
            let error = await #expect(throws: StorageError.self) { try await accounts.create(again, activationTTL: .seconds(60), by: .system("t")) }
            #expect(error?.code == .conflict)

            let generic = NewAccount.representative(
                username: "rep.pa", email: "rep@pa.mx", displayName: "Representación PA",
                processID: StorageFactories.processID, entity: .party(code: "PA"))
            let (rep, _) = try await accounts.create(generic, activationTTL: .seconds(60), by: .system("t"))
            #expect(rep.entity == .party(code: "PA"))
            var second = generic
            second.username = "rep.pa2"
            await #expect(throws: StorageError.self) { try await accounts.create(second, activationTTL: .seconds(60), by: .system("t")) }
            try await accounts.disable(accountID: rep.id, by: AuditActor(role: .itStaff, id: "it-1"))
            _ = try await accounts.create(second, activationTTL: .seconds(60), by: .system("t"))

            let staff = try await accounts.create(
                .staff(.transparencyStaff, username: "ii.ana", email: "ana@iepc.mx", displayName: "Ana"),
                activationTTL: .seconds(60), by: AuditActor(role: .itStaff, id: "it-1")
            ).0
            try await accounts.markCredentialsSent(accountID: staff.id)
            #expect(try await accounts.account(username: "ii.ana")?.credentialsSentAt != nil)
        }
    }
}
