import ConocelesCore
import Foundation
import JobQueue
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The queries of the staff area: verification queue, pending modification requests, photo
/// status, the accounts page and credentials re-sends, and work done alongside a transition.
@Suite("Staff queries")
struct StaffQueriesTests {
    typealias F = StorageFactories

    static func authorize(_ db: Database, _ id: String) async throws {
        let workflows = F.workflows(db)
        try await workflows.apply(.startCapture, to: id, by: F.representative)
        try await workflows.apply(.markComplete, to: id, by: F.representative, completeness: CompletenessReport())
        try await workflows.apply(.authorize, to: id, by: F.representative)
    }

    static let staffStates: [ProfileState] = [.authorized, .verified, .modificationSubmitted, .reverified]

    @Test func theQueueListsWaitingProfilesOldestFirstWithFilters() async throws {
        try await TestDatabase.with { db in
            let first = F.candidacy("C-1"), second = F.candidacy("C-2", entity: .party(code: "PB"))
            let third = F.candidacy("C-3", office: "DIP_MR", district: 2), idle = F.candidacy("C-4")
            try await F.seed(db, [first, second, third, idle])
            for id in ["C-2", "C-1", "C-3"] { try await Self.authorize(db, id) }
            try await F.workflows(db).apply(.verify, to: "C-3", by: F.staff)
            let workflows = F.workflows(db)
            let all = ProfileWorkflowRepository.QueueFilter(states: Self.staffStates)
            let queue = try await workflows.queue(processID: F.processID, all)
            #expect(queue.map(\.candidacy.id) == ["C-2", "C-1", "C-3"])
            #expect(queue.map(\.state) == [.authorized, .authorized, .verified])
            #expect(queue[0].candidacy == second)
            #expect(try await workflows.queueCounts(processID: F.processID, all) == [.authorized: 2, .verified: 1])
            let partyA = ProfileWorkflowRepository.QueueFilter(states: Self.staffStates, entity: .party(code: "PA"))
            #expect(try await workflows.queue(processID: F.processID, partyA).map(\.candidacy.id) == ["C-1", "C-3"])
            let deputies = ProfileWorkflowRepository.QueueFilter(states: Self.staffStates, officeCode: "DIP_MR")
            #expect(try await workflows.queueCounts(processID: F.processID, deputies) == [.verified: 1])
            #expect(try await workflows.queue(processID: F.processID, all, limit: 1, offset: 1).map(\.candidacy.id) == ["C-1"])
            // A withdrawn candidacy leaves the queue.
            try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).withdraw("C-1", as: .cancelled, by: .system("test"))
            #expect(try await workflows.queue(processID: F.processID, all).map(\.candidacy.id) == ["C-2", "C-3"])
        }
    }

    @Test func pendingModificationsNameTheCandidacyAndTheRequester() async throws {
        try await TestDatabase.with { db in
            let id = try await F.seedOne(db)
            try await Self.authorize(db, id)
            let workflows = F.workflows(db)
            try await workflows.apply(.verify, to: id, by: F.staff)
            try await workflows.apply(.publish, to: id, by: F.staff)
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (representative, _) = try await accounts.create(
                .representative(
                    username: "rep-pa", email: "rep@example.org", displayName: "Representación PA", processID: F.processID,
                    entity: .party(code: "PA")), activationTTL: .seconds(60), by: .system("test"))
            try await workflows.apply(
                .requestModification, to: id, by: ProfileActor(role: .representative, id: representative.id.uuidString),
                observations: "Cambio de domicilio")
            let pending = try await workflows.pendingModifications(processID: F.processID)
            #expect(pending.count == 1)
            #expect(pending.first?.candidacy.id == id)
            #expect(pending.first?.request.reason == "Cambio de domicilio")
            #expect(pending.first?.requesterName == "Representación PA")
            let requestID = try #require(pending.first?.request.id)
            #expect(try await workflows.pendingModification(id: requestID)?.candidacyID == id)
            try await workflows.apply(.rejectModification, to: id, by: F.staff, observations: "No procede")
            #expect(try await workflows.pendingModifications(processID: F.processID).isEmpty)
            #expect(try await workflows.pendingModification(id: requestID) == nil)
        }
    }

    @Test func workDoneAlongsideATransitionCommitsOrRollsBackWithIt() async throws {
        try await TestDatabase.with { db in
            let id = try await F.seedOne(db)
            try await Self.authorize(db, id)
            let workflows = F.workflows(db)
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await workflows.apply(.returnWithObservations, to: id, by: F.staff, observations: "Falta la foto") { _, connection in
                    try await connection.query("CREATE TEMPORARY TABLE alongside_marker (x int)", logger: TestDatabase.logger)
                    throw Boom()
                }
            }
            #expect(try await workflows.workflow(for: id).state == .authorized)
            try await workflows.apply(.returnWithObservations, to: id, by: F.staff, observations: "Falta la foto") { transition, connection in
                #expect(transition.to == .returned)
                try await connection.query(
                    "INSERT INTO privacy_notice_acceptances (candidacy_id, notice_version, accepted_by) VALUES (\(id), 'marca', 'x')",
                    logger: TestDatabase.logger)
            }
            #expect(try await workflows.workflow(for: id).state == .returned)
            #expect(try await F.questionnaires(db).hasAcceptedPrivacyNotice(version: "marca", for: id))
        }
    }

    @Test func thePhotoStatusIsTheLatestPhotoNotReplaced() async throws {
        try await TestDatabase.with { db in
            let id = try await F.seedOne(db)
            let questionnaires = F.questionnaires(db)
            #expect(try await questionnaires.photoStatus(for: id) == nil)
            let sha = String(repeating: "ab", count: 32)
            try await db.client.query(
                """
                INSERT INTO photos (candidacy_id, sha256, byte_count, content_type, status, rejection_reason, uploaded_by, uploaded_at, checked_at)
                VALUES (\(id), \(sha), 1000, 'image/jpeg', 'replaced', NULL, 'x', now() - interval '2 hours', NULL),
                       (\(id), \(sha), 1000, 'image/jpeg', 'rejected', 'La foto tiene más de 3 meses.', 'x', now() - interval '1 hour', now())
                """)
            let status = try #require(try await questionnaires.photoStatus(for: id))
            #expect(status.status == "rejected")
            #expect(status.label == "Rechazada")
            #expect(status.rejectionReason == "La foto tiene más de 3 meses.")
        }
    }

    static func appliedEvent(_ db: Database, _ candidacyID: String, id: String? = nil) async throws {
        let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
        let eventID = id ?? "ev-\(candidacyID)"
        _ = try await events.record(
            RegistrationEvent(
                id: eventID, processID: F.processID, kind: .approval,
                candidacyID: candidacyID, body: "{}", source: .csv))
        try await events.settle(eventID, to: .applied)
    }

    @Test func theAccountsOverviewListsCandidaciesAndGenericAccountsWithFilters() async throws {
        try await TestDatabase.with { db in
            let withAccount = F.candidacy("C-A"), withoutAccount = F.candidacy("C-B"), otherParty = F.candidacy("C-C", entity: .party(code: "PB"))
            try await F.seed(db, [withAccount, withoutAccount, otherParty])
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (candidate, token) = try await accounts.create(
                .candidate(
                    username: "c-a", email: "a@example.org", displayName: "Cuenta A", processID: F.processID, candidacyID: "C-A"),
                activationTTL: .seconds(60), by: .system("test"))
            try await accounts.markCredentialsSent(accountID: candidate.id)
            _ = try await accounts.activate(token: token, passwordHash: "$2b$04$abcdefghijklmnopqrstuu")
            let (generic, _) = try await accounts.create(
                .representative(
                    username: "rep-pa", email: "rep@example.org", displayName: "Representación PA", processID: F.processID,
                    entity: .party(code: "PA")), activationTTL: .seconds(60), by: .system("test"))

            let (all, total) = try await accounts.overview(processID: F.processID, filter: .all)
            #expect(total == 4)
            // By entity, its generic account first, then candidacies.
            #expect(all.map { $0.candidacyID ?? $0.username ?? "" } == ["rep-pa", "C-A", "C-B", "C-C"])
            #expect(all[0].role == .representative && all[0].accountID == generic.id)
            #expect(all[1].username == "c-a" && all[1].credentialsSentAt != nil && all[1].activatedAt != nil && all[1].issuedAt != nil)
            #expect(all[2].accountID == nil && all[2].username == nil && all[2].holderName == withoutAccount.fullName)
            let pending = try await accounts.overview(processID: F.processID, filter: .pending)
            #expect(pending.rows.map { $0.candidacyID ?? $0.username ?? "" } == ["rep-pa", "C-B", "C-C"])
            #expect(try await accounts.overview(processID: F.processID, filter: .activated).rows.map(\.candidacyID) == ["C-A"])
            #expect(try await accounts.overview(processID: F.processID, filter: .late, lateCandidacyIDs: ["C-C"]).rows.map(\.candidacyID) == ["C-C"])
            let page = try await accounts.overview(processID: F.processID, filter: .all, limit: 2, offset: 2)
            #expect(page.rows.map(\.candidacyID) == ["C-B", "C-C"] && page.matching == 4)
            let totals = try await accounts.overviewTotals(processID: F.processID)
            #expect(totals.lines == 4 && totals.issued == 2 && totals.sent == 1 && totals.activated == 1)
        }
    }

    @Test func credentialsTargetsAreTheAccountsNotActivatedWithAnAppliedEvent() async throws {
        try await TestDatabase.with { db in
            try await F.seed(db, [F.candidacy("C-A"), F.candidacy("C-B"), F.candidacy("C-C")])
            try await Self.appliedEvent(db, "C-A")
            try await Self.appliedEvent(db, "C-C")
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (a, _) = try await accounts.create(
                .candidate(
                    username: "c-a", email: "a@example.org", displayName: "A", processID: F.processID, candidacyID: "C-A"),
                activationTTL: .seconds(60), by: .system("test"))
            // No applied event: left out.
            _ = try await accounts.create(
                .candidate(
                    username: "c-b", email: "b@example.org", displayName: "B", processID: F.processID, candidacyID: "C-B"),
                activationTTL: .seconds(60), by: .system("test"))
            let (generic, _) = try await accounts.create(
                .representative(
                    username: "rep-pa", email: "rep@example.org", displayName: "Representación PA", processID: F.processID,
                    entity: .party(code: "PA")), activationTTL: .seconds(60), by: .system("test"))
            let targets = try await accounts.credentialsTargets(processID: F.processID)
            #expect(targets.count == 2)
            #expect(targets.contains { $0.accountID == a.id && $0.candidacyID == "C-A" && $0.eventID == "ev-C-A" && !$0.isGeneric })
            let genericTarget = try #require(targets.first { $0.isGeneric })
            #expect(genericTarget.accountID == generic.id)
            #expect(["C-A", "C-C"].contains(genericTarget.candidacyID) && genericTarget.eventID == "ev-\(genericTarget.candidacyID)")
            #expect(try await accounts.credentialsTargets(processID: F.processID, accountID: a.id).map(\.accountID) == [a.id])

            try await accounts.markCredentialsSent(accountID: a.id)
            try await db.client.withTransaction(logger: TestDatabase.logger) { connection in
                try await accounts.clearCredentialsSent(accountIDs: [a.id], by: .system("test"), on: connection)
            }
            #expect(try await accounts.account(id: a.id)?.credentialsSentAt == nil)
            #expect(
                try await F.audit(db).records(subjectType: "account", subjectID: a.id.uuidString).last?.entry.action
                    == "account.credentials_resend")

            // Candidacies without an account: C-C only (C-B has an account; an applied event is needed).
            #expect(try await accounts.candidaciesWithoutAccount(processID: F.processID).map(\.candidacyID) == ["C-C"])
            try await db.client.query(
                """
                INSERT INTO jobs (kind, queue, args, state) VALUES ('account.issue', 'default', '{"candidacy_id": "C-C", "event_id": "ev-C-C"}', 'available')
                """)
            // The live account.issue job, read through the queue's client, excludes C-C.
            let waiting = try await JobClient(client: db.client, logger: TestDatabase.logger)
                .liveArgumentValues(kind: "account.issue", key: "candidacy_id")
            #expect(waiting == ["C-C"])
            #expect(try await accounts.candidaciesWithoutAccount(processID: F.processID, excluding: waiting).isEmpty)
        }
    }
}
