import ConocelesCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("QuestionnaireRepository")
struct QuestionnaireRepositoryTests {
    @Test func curricularRoundTripWithRevisionsAndAuditedFieldNames() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = StorageFactories.questionnaires(db)
            #expect(try await repository.curricular(for: id) == nil)
            var answers = StorageFactories.curricular()
            #expect(try await repository.saveCurricular(answers, for: id, by: AuditActor(StorageFactories.candidate)) == 1)
            answers.firstProposal = StorageFactories.text(900)
            answers.contact.phones = ["33 1234 5678"]
            #expect(try await repository.saveCurricular(answers, for: id, by: AuditActor(StorageFactories.representative)) == 2)
            let stored = try #require(try await repository.curricular(for: id))
            #expect(stored.answers == answers)
            #expect(stored.revision == 2)
            #expect(stored.published == nil)
            let saves = try await StorageFactories.audit(db).records(forCandidacy: id).filter { $0.entry.action == "curricular.save" }
            #expect(saves.count == 2)
            #expect(saves[1].entry.changes["fields"] == "contact,firstProposal")
            #expect(saves[1].entry.actor.role == "representacion")
            #expect(!(saves[1].entry.changes.values.contains { $0.contains("participación") }), "no content in the log")
        }
    }

    @Test func aSaveBuiltBeforeAPhotoWasAcceptedKeepsThatPhoto() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = StorageFactories.questionnaires(db)
            // The form read the questionnaire without a photo…
            var formAnswers = StorageFactories.curricular()
            formAnswers.photo = nil
            try await repository.saveCurricular(formAnswers, for: id, by: .system("form"))
            // …a worker accepted a photo meanwhile (as PhotoRepository does)…
            let accepted = try #require(StorageFactories.curricular().photo)
            try await db.client.query(
                """
                UPDATE curricular_questionnaires
                   SET answers = jsonb_set(answers, '{photo}', \(String(decoding: try JSONEncoder().encode(accepted), as: UTF8.self))::jsonb)
                 WHERE candidacy_id = \(id)
                """)
            // …and the form's save, built on the earlier read, does not undo it.
            formAnswers.firstProposal = StorageFactories.text(700)
            try await repository.saveCurricular(formAnswers, for: id, by: .system("form"))
            let stored = try #require(try await repository.curricular(for: id))
            #expect(stored.answers.photo == accepted)
            #expect(stored.answers.firstProposal == formAnswers.firstProposal)
        }
    }

    @Test func savesAreRefusedWhenTheProfileIsNotEditable() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            try await db.client.query("UPDATE profile_workflows SET state = 'verificado' WHERE candidacy_id = \(id)")
            let repository = StorageFactories.questionnaires(db)
            let error = await #expect(throws: StorageError.self) {
                try await repository.saveCurricular(StorageFactories.curricular(), for: id, by: .system("t"))
            }
            #expect(error?.code == .conflict)
            await #expect(throws: StorageError.self) {
                try await repository.saveIdentity(StorageFactories.identity(), for: id, by: .system("t"))
            }
            await #expect(throws: StorageError(.notFound, "La candidatura NOPE no existe.")) {
                try await repository.saveCurricular(StorageFactories.curricular(), for: "NOPE", by: .system("t"))
            }
        }
    }

    @Test func aWithdrawnCandidacyGetsNoNewRowNotEvenAFirstIdentitySave() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).withdraw(id, as: .substituted, by: .system("test"))
            let repository = StorageFactories.questionnaires(db)
            let identity = await #expect(throws: StorageError.self) {
                try await repository.saveIdentity(StorageFactories.identity(), for: id, by: .system("t"))
            }
            #expect(identity?.code == .conflict && identity?.message.contains("sustituida o cancelada") == true)
            let curricular = await #expect(throws: StorageError.self) {
                try await repository.saveCurricular(StorageFactories.curricular(), for: id, by: .system("t"))
            }
            #expect(curricular?.code == .conflict)
            #expect(try await repository.sealedIdentity(for: id) == nil)
            #expect(try await repository.curricular(for: id) == nil)
        }
    }

    @Test func consentIsAppendedAndTheLatestDecisionCounts() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = StorageFactories.questionnaires(db)
            let actor = AuditActor(StorageFactories.candidate)
            #expect(try await repository.consent(for: id) == .notGiven)
            #expect(try await repository.recordConsent(granted: false, for: id, by: actor) == .notGiven, "nothing to revoke")
            let t1 = Date(timeIntervalSince1970: 1_711_000_000), t2 = t1.addingTimeInterval(60)
            #expect(try await repository.recordConsent(granted: true, for: id, by: actor, at: t1) == .granted(at: t1))
            #expect(try await repository.consent(for: id) == .granted(at: t1))
            #expect(try await repository.recordConsent(granted: false, for: id, by: actor, at: t2) == .revoked(at: t2))
            #expect(try await repository.consent(for: id) == .revoked(at: t2))
            let actions = try await StorageFactories.audit(db).records(forCandidacy: id).map(\.entry.action)
            #expect(actions.suffix(2) == ["consent.grant", "consent.revoke"])
        }
    }

    @Test func thePrivacyNoticeIsAcceptedOncePerVersion() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let repository = StorageFactories.questionnaires(db)
            #expect(try await repository.hasAcceptedPrivacyNotice(version: "2024-01", for: id) == false)
            try await repository.acceptPrivacyNotice(version: "2024-01", for: id, by: AuditActor(StorageFactories.candidate))
            try await repository.acceptPrivacyNotice(version: "2024-01", for: id, by: AuditActor(StorageFactories.candidate))
            #expect(try await repository.hasAcceptedPrivacyNotice(version: "2024-01", for: id))
            let accepted = try await StorageFactories.audit(db).records(forCandidacy: id).filter { $0.entry.action == "privacy_notice.accept" }
            #expect(accepted.count == 1)
        }
    }
}
