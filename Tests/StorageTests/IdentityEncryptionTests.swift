import ConocelesCore
import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The identity questionnaire at rest: only ciphertext reaches PostgreSQL.
@Suite("Identity questionnaire encryption")
struct IdentityEncryptionTests {
    @Test func theEncryptedColumnHoldsNoPlaintextAnswer() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))

            // Read the row straight from PostgreSQL, bypassing the repository.
            var raw: (Data, Data, String, String)?
            for try await row in try await db.client.query(
                """
                SELECT ciphertext, nonce, key_id, identity_questionnaires::text FROM identity_questionnaires WHERE candidacy_id = \(id)
                """
            ).decode((Data, Data, String, String).self) { raw = row }
            let (ciphertext, nonce, keyID, wholeRow) = try #require(raw)
            #expect(keyID == "k1")
            #expect(nonce.count == 12)
            let plaintext = Data(try JSONEncoder().encode(StorageFactories.identity().normalized()))
            #expect(ciphertext.count == plaintext.count + 16, "ciphertext plus tag, same length as the JSON")
            for needle in [StorageFactories.otherPeopleText, "Mezcala", "persona_no_binaria", "25001_50000", "salario", "\"si\"", "indigenous"] {
                #expect(ciphertext.range(of: Data(needle.utf8)) == nil, "\(needle) in the ciphertext")
                #expect(!wholeRow.contains(needle), "\(needle) in the row")
            }
            // Nothing else in the database holds it either (audit log included).
            var leaks = 0
            for try await count in try await db.client.query(
                """
                SELECT (SELECT count(*) FROM audit_log WHERE audit_log::text LIKE '%' || \("Mezcala") || '%')
                     + (SELECT count(*) FROM candidacies WHERE candidacies::text LIKE '%' || \("Mezcala") || '%')
                """
            ).decode(Int.self) { leaks = count }
            #expect(leaks == 0)
        }
    }

    @Test func aRoundTripDecryptsTheNormalizedAnswers() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = StorageFactories.questionnaires(db)
            #expect(try await repository.identity(for: id) == nil)
            var answers = StorageFactories.identity()
            answers.migrant = MigrantSection(isMigrant: .no, countryOfResidence: .answered(.entry(key: "USA")))
            #expect(try await repository.saveIdentity(answers, for: id, by: .system("test")) == 1)
            let stored = try await repository.identity(for: id)
            #expect(stored == answers.normalized())
            #expect(stored?.migrant.countryOfResidence == .notApplicable)
            #expect(try await repository.saveIdentity(answers, for: id, by: .system("test")) == 2)
        }
    }

    @Test func aWrongKeyFailsLoudly() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            try await StorageFactories.questionnaires(db).saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            let wrong = try SensitiveDataCipher(key: [UInt8](repeating: 8, count: 32), keyID: "k1")
            let error = await #expect(throws: SensitiveDataCipherError.self) {
                try await StorageFactories.questionnaires(db, cipher: wrong).identity(for: id)
            }
            #expect(error?.code == .authenticationFailed)
            let rotatedAway = try SensitiveDataCipher(key: [UInt8](repeating: 8, count: 32), keyID: "k9")
            let unknown = await #expect(throws: SensitiveDataCipherError.self) {
                try await StorageFactories.questionnaires(db, cipher: rotatedAway).identity(for: id)
            }
            #expect(unknown?.code == .unknownKey)
        }
    }

    @Test func aCiphertextCopiedToAnotherCandidacyDoesNotOpen() async throws {
        try await TestDatabase.with { db in
            let a = StorageFactories.candidacy("C-A"), b = StorageFactories.candidacy("C-B", position: .alternate)
            try await StorageFactories.seed(db, [a, b])
            let repository = StorageFactories.questionnaires(db)
            try await repository.saveIdentity(StorageFactories.identity(), for: "C-A", by: .system("test"))
            try await repository.saveIdentity(IdentityQuestionnaire(), for: "C-B", by: .system("test"))
            try await db.client.query(
                """
                UPDATE identity_questionnaires b SET ciphertext = a.ciphertext, nonce = a.nonce
                  FROM identity_questionnaires a WHERE a.candidacy_id = 'C-A' AND b.candidacy_id = 'C-B'
                """)
            await #expect(throws: SensitiveDataCipherError(.authenticationFailed, keyID: "k1")) {
                try await repository.identity(for: "C-B")
            }
        }
    }

    @Test func withdrawnCandidaciesHaveTheirIdentityBlockedThenPurged() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = StorageFactories.questionnaires(db)
            try await repository.saveIdentity(StorageFactories.identity(), for: id, by: .system("test"))
            _ = try await repository.recordConsent(
                granted: true, for: id, document: ConsentDocument(sha256: String(repeating: "c", count: 64), keyID: "k1"),
                by: .system("test"))
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).withdraw(id, as: .cancelled, by: .system("registration.ingest"))
            await #expect(throws: StorageError.self) { try await repository.identity(for: id) }
            let (_, blocked) = try #require(try await repository.sealedIdentity(for: id))
            #expect(blocked)

            #expect(try await repository.purgeIdentity(for: id, by: .system("privacy.purge")))
            #expect(try await repository.sealedIdentity(for: id) == nil)
            #expect(try await repository.purgeIdentity(for: id, by: .system("privacy.purge")) == false)
            let purge = try await StorageFactories.audit(db).records(forCandidacy: id).last
            #expect(purge?.entry.action == "identity.purge")
            #expect(purge?.entry.changes["consent_documents"] == "1")
        }
    }
}
