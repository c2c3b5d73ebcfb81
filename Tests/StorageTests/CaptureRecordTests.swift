import ConocelesCore
import Foundation
import Storage
import Testing
import TestSupport

/// `QuestionnaireRepository.captureRecord` reads in one statement what a capture page shows;
/// these tests hold it to the separate reads that remain and to what was written.
@Suite("CaptureRecord")
struct CaptureRecordTests {
    typealias F = StorageFactories

    /// The record of `id` against the separate reads.
    func expectSameAsSeparateReads(_ db: Database, _ id: String, version: String) async throws {
        let repository = F.questionnaires(db)
        let record = try await repository.captureRecord(for: id, noticeVersion: version)
        let workflow = try await F.workflows(db).workflow(for: id)
        #expect(record.workflow.state == workflow.state)
        #expect(record.workflow.history.count == workflow.history.count)
        for (mine, theirs) in zip(record.workflow.history, workflow.history) {
            #expect(mine.from == theirs.from && mine.to == theirs.to && mine.action == theirs.action)
            #expect(mine.actor == theirs.actor)
            #expect(mine.observations == theirs.observations)
            #expect(abs(mine.at.timeIntervalSince(theirs.at)) < 0.001)
        }
        #expect(record.noticeAccepted == (try await repository.hasAcceptedPrivacyNotice(version: version, for: id)))
        let curricular = try await repository.curricular(for: id)
        #expect(record.curricular?.answers == curricular?.answers)
        #expect(record.curricular?.revision == curricular?.revision)
        #expect(record.curricular?.published == curricular?.published)
        #expect(record.curricular?.updatedBy == curricular?.updatedBy)
        let consent = try await repository.consentInForce(for: id)
        #expect(record.consent == consent.consent)
        #expect(record.consentBySignedForm == consent.signedForm)
    }

    @Test func aNewProfileReadsAsTheSeparateReadsGiveIt() async throws {
        try await TestDatabase.with { db in
            let id = try await F.seedOne(db)
            try await expectSameAsSeparateReads(db, id, version: "v1")
            let record = try await F.questionnaires(db).captureRecord(for: id, noticeVersion: "v1")
            #expect(record.workflow.state == .pending && record.workflow.history.isEmpty)
            #expect(!record.noticeAccepted && record.curricular == nil && record.identity == nil && record.identityRevision == nil)
            #expect(record.consent == .notGiven && !record.identityBlocked && record.fieldObservations.isEmpty)
        }
    }

    @Test func aProfileWithEverythingReadsAsTheSeparateReadsGiveIt() async throws {
        try await TestDatabase.with { db in
            let id = try await F.seedOne(db)
            let repository = F.questionnaires(db)
            try await repository.acceptPrivacyNotice(version: "v1", for: id, by: AuditActor(F.candidate))
            try await repository.saveCurricular(F.curricular(), for: id, by: AuditActor(F.candidate))
            var answers = F.curricular()
            answers.firstProposal = F.text(300)
            try await repository.saveCurricular(answers, for: id, by: AuditActor(F.representative))
            try await repository.saveIdentity(F.identity(), for: id, by: AuditActor(F.candidate))
            try await repository.recordConsent(granted: true, for: id, by: AuditActor(F.candidate))
            let workflows = F.workflows(db)
            try await workflows.apply(.startCapture, to: id, by: F.representative)
            try await workflows.apply(.markComplete, to: id, by: F.representative, completeness: CompletenessReport())
            try await workflows.apply(.authorize, to: id, by: F.representative)
            // Text that JSON has to escape, in the history and in a field observation.
            let said = "Falta la foto: \"reciente\", sin lentes \\ ni gorra; ñandú 🗳️\n(segunda línea)"
            try await workflows.apply(.returnWithObservations, to: id, by: F.staff, observations: said) { _, connection in
                try await FieldObservationRepository(client: db.client, logger: TestDatabase.logger).record(
                    [
                        .init(field: "foto", observation: said, madeAt: Date(timeIntervalSince1970: 1_711_000_000.25), madeBy: "staff-1"),
                        .init(field: "propuestas", observation: "Muy corta", madeAt: Date(timeIntervalSince1970: 1_711_000_100), madeBy: "staff-2"),
                    ], for: id, on: connection)
            }
            try await expectSameAsSeparateReads(db, id, version: "v1")
            let record = try await repository.captureRecord(for: id, noticeVersion: "v1")
            #expect(record.noticeAccepted)
            #expect(try await repository.captureRecord(for: id, noticeVersion: "v2").noticeAccepted == false)
            #expect(record.identity == (try await repository.identity(for: id)))
            #expect(record.identityRevision?.revision == 1)
            #expect(record.identityRevision?.updatedBy == AuditActor(F.candidate).id)
            #expect(record.curricular?.revision == 2)
            #expect(record.workflow.state == .returned && record.workflow.history.count == 4)
            #expect(record.workflow.history.last?.observations == said)
            #expect(record.fieldObservations.map(\.field) == ["propuestas", "foto"], "newest first")
            #expect(record.fieldObservations.map(\.observation) == ["Muy corta", said])
            #expect(record.fieldObservations.map(\.madeBy) == ["staff-2", "staff-1"])
            #expect(abs((record.fieldObservations.last?.madeAt.timeIntervalSince1970 ?? 0) - 1_711_000_000.25) < 0.001)
            if case .granted = record.consent {} else { Issue.record("consent granted expected, got \(record.consent)") }
        }
    }

    @Test func aWithdrawnCandidacysIdentityIsBlockedAndNotOpened() async throws {
        try await TestDatabase.with { db in
            let id = try await F.seedOne(db)
            let repository = F.questionnaires(db)
            try await repository.saveIdentity(F.identity(), for: id, by: AuditActor(F.candidate))
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).withdraw(id, as: .cancelled, by: .system("test"))
            let record = try await repository.captureRecord(for: id, noticeVersion: "v1")
            #expect(record.identityBlocked)
            #expect(record.identity == nil && record.identityRevision == nil)
        }
    }

    @Test func anUnknownCandidacyIsNotFoundAndAWrongKeyDoesNotOpen() async throws {
        try await TestDatabase.with { db in
            await #expect(throws: StorageError(.notFound, "La candidatura NOPE no existe.")) {
                try await F.questionnaires(db).captureRecord(for: "NOPE", noticeVersion: "v1")
            }
            let id = try await F.seedOne(db)
            try await F.questionnaires(db).saveIdentity(F.identity(), for: id, by: AuditActor(F.candidate))
            let other = try SensitiveDataCipher(key: [UInt8](repeating: 9, count: 32), keyID: "k1")
            await #expect(throws: (any Error).self) {
                try await F.questionnaires(db, cipher: other).captureRecord(for: id, noticeVersion: "v1")
            }
        }
    }
}
