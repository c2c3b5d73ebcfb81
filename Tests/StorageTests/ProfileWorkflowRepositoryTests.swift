import ConocelesCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("ProfileWorkflowRepository")
struct ProfileWorkflowRepositoryTests {
    let complete = CompletenessReport()

    /// Drives a profile from pending to published through the repository.
    func publish(_ id: String, _ workflows: ProfileWorkflowRepository) async throws {
        try await workflows.apply(.startCapture, to: id, by: StorageFactories.candidate)
        try await workflows.apply(.markComplete, to: id, by: StorageFactories.candidate, completeness: complete)
        try await workflows.apply(.authorize, to: id, by: StorageFactories.representative)
        try await workflows.apply(.verify, to: id, by: StorageFactories.staff)
        try await workflows.apply(.publish, to: id, by: StorageFactories.staff)
    }

    @Test func aTransitionWritesStateHistoryAndAuditTogether() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let workflows = StorageFactories.workflows(db)
            let at = Date(timeIntervalSince1970: 1_711_000_000)
            let transition = try await workflows.apply(.startCapture, to: id, by: StorageFactories.candidate, at: at)
            #expect(transition.to == .capturing)
            let workflow = try await workflows.workflow(for: id)
            #expect(workflow.state == .capturing)
            #expect(workflow.history == [transition])
            let audit = try await StorageFactories.audit(db).records(forCandidacy: id).last?.entry
            #expect(audit?.action == "profile.transition")
            #expect(audit?.changes == ["from": "pendiente", "to": "en_captura", "action": "iniciar_captura", "observations": "no"])
            #expect(audit?.actor == AuditActor(StorageFactories.candidate))
            #expect(audit?.occurredAt == at)
        }
    }

    @Test func aRefusedTransitionLeavesNothingBehind() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let workflows = StorageFactories.workflows(db)
            let error = await #expect(throws: ProfileTransitionError.self) {
                try await workflows.apply(.publish, to: id, by: StorageFactories.staff)
            }
            #expect(error?.code == .transitionNotAllowed)
            try await workflows.apply(.startCapture, to: id, by: StorageFactories.candidate)
            let incomplete = CompletenessReport(issues: [FieldIssue(field: "curricular.photo", label: "Fotografía", code: .missing, message: "Falta")])
            let refused = await #expect(throws: ProfileTransitionError.self) {
                try await workflows.apply(.markComplete, to: id, by: StorageFactories.candidate, completeness: incomplete)
            }
            #expect(refused?.code == .profileIncomplete)
            let workflow = try await workflows.workflow(for: id)
            #expect(workflow.state == .capturing)
            #expect(workflow.history.count == 1)
            #expect(try await StorageFactories.audit(db).records(forCandidacy: id).filter { $0.entry.action == "profile.transition" }.count == 1)
        }
    }

    /// The audit line is the transaction's last write: when it fails, the state and the
    /// history written before it roll back.
    @Test func aFailedAuditWriteRollsBackTheTransition() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let workflows = StorageFactories.workflows(db)
            // A blank actor id passes the lifecycle and the history table, but not the audit log's CHECK.
            let error = await #expect(throws: (any Error).self) {
                try await workflows.apply(.startCapture, to: id, by: ProfileActor(role: .candidate, id: " "))
            }
            #expect(StorageFactories.sqlState(error) == "23514")
            let workflow = try await workflows.workflow(for: id)
            #expect(workflow.state == .pending)
            #expect(workflow.history.isEmpty)
        }
    }

    @Test func concurrentActorsSerializeOnTheProfile() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let workflows = StorageFactories.workflows(db)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask { (try? await workflows.apply(.startCapture, to: id, by: StorageFactories.candidate)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await workflows.workflow(for: id).history.count == 1)
        }
    }

    @Test func publicationCopiesTheCurricularAndTheSingleModificationIsTracked() async throws {
        try await TestDatabase.with { db in
            let id = try await StorageFactories.seedOne(db)
            let workflows = StorageFactories.workflows(db)
            let questionnaires = StorageFactories.questionnaires(db)
            let first = StorageFactories.curricular()
            try await questionnaires.saveCurricular(first, for: id, by: AuditActor(StorageFactories.candidate))
            try await publish(id, workflows)
            #expect(try await questionnaires.curricular(for: id)?.published == first)

            try await workflows.apply(.requestModification, to: id, by: StorageFactories.representative, observations: "Cambio de teléfono")
            try await workflows.apply(.rejectModification, to: id, by: StorageFactories.staff, observations: "No procede")
            try await workflows.apply(.requestModification, to: id, by: StorageFactories.representative)
            try await workflows.apply(.approveModification, to: id, by: StorageFactories.staff)
            var second = first
            second.contact.phones = ["+52 33 9876 5432"]
            try await questionnaires.saveCurricular(second, for: id, by: AuditActor(StorageFactories.representative))
            #expect(try await questionnaires.curricular(for: id)?.published == first, "the published version stays public")
            try await workflows.apply(.submitModification, to: id, by: StorageFactories.representative, completeness: complete)
            try await workflows.apply(.reverify, to: id, by: StorageFactories.staff)
            try await workflows.apply(.republish, to: id, by: StorageFactories.staff)
            #expect(try await questionnaires.curricular(for: id)?.published == second)

            let requests = try await workflows.modificationRequests(for: id)
            #expect(requests.map(\.status) == [.rejected, .applied])
            #expect(requests[0].reason == "Cambio de teléfono")
            #expect(requests[0].observations == "No procede")
            let exhausted = await #expect(throws: ProfileTransitionError.self) {
                try await workflows.apply(.requestModification, to: id, by: StorageFactories.representative)
            }
            #expect(exhausted?.code == .modificationExhausted)
            let workflow = try await workflows.workflow(for: id)
            #expect(workflow.state == .republished)
            #expect(workflow.history.count == 12)
            #expect(workflow.modificationUsed)
            #expect(try await workflows.countsByState(processID: StorageFactories.processID) == [.republished: 1])
        }
    }
}
