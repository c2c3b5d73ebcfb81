import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Storage
import TestSupport
import Testing

@Suite("PrivacyPurgeWorker")
struct PrivacyPurgeWorkerTests {
    static let cipher = try! SensitiveDataCipher(key: [UInt8](repeating: 7, count: 32), keyID: "k1")
    static let withdrawnAt = try! Date("2024-05-10T18:30:00Z", strategy: .iso8601)

    /// A withdrawn candidacy with identity answers and an accepted-size photo in `blobs`;
    /// returns its id and the photo's blob address.
    static func seedWithdrawn(_ db: Database, blobs: FileBlobStore) async throws -> (String, BlobAddress) {
        let id = try await PhotoFixtures.seedCandidacy(db)
        try await QuestionnaireRepository(client: db.client, cipher: cipher, logger: TestDatabase.logger)
            .saveIdentity(IdentityQuestionnaire(), for: id, by: .system("test"))
        let bytes = Array("foto \(id)".utf8)
        let address = try await blobs.put(bytes)
        _ = try await db.client.transaction(logger: TestDatabase.logger) { connection in
            try await PhotoRepository(client: db.client, logger: TestDatabase.logger).recordUpload(
                candidacyID: id, sha256: address.sha256, byteCount: bytes.count, contentType: "image/jpeg", declaredTakenOn: nil,
                uploadedBy: .system("test"), on: connection)
        }
        _ = try await CandidacyRepository(client: db.client, logger: TestDatabase.logger).withdraw(
            id, as: .cancelled, by: .system("registration.ingest"), at: withdrawnAt)
        return (id, address)
    }

    static func worker(_ db: Database, blobs: FileBlobStore, daysAfterWithdrawal: Int) -> PrivacyPurgeWorker {
        let now = withdrawnAt.addingTimeInterval(Double(daysAfterWithdrawal) * 86_400)
        return PrivacyPurgeWorker(
            client: db.client, blobs: blobs, process: PhotoFixtures.process,
            retention: AppConfiguration.RetentionSettings(sensitiveDataDays: 30, everyoneDaysAfterElection: 150),
            batchSize: 2, clock: { now })
    }

    @Test func aDryRunChangesNothingAndARealRunDeletesOnce() async throws {
        try await TestDatabase.with { db in
            let blobs = PhotoFixtures.blobStore()
            let (id, address) = try await Self.seedWithdrawn(db, blobs: blobs)
            let (other, _) = try await Self.seedWithdrawn(db, blobs: blobs)
            let (third, _) = try await Self.seedWithdrawn(db, blobs: blobs)
            let questionnaires = QuestionnaireRepository(client: db.client, cipher: Self.cipher, logger: TestDatabase.logger)
            let audit = AuditLog(client: db.client, logger: TestDatabase.logger)

            // Before the retention ends nothing is due; a dry run after it deletes nothing.
            try await JobTesting.perform(Self.worker(db, blobs: blobs, daysAfterWithdrawal: 29), args: .init())
            try await JobTesting.perform(Self.worker(db, blobs: blobs, daysAfterWithdrawal: 31), args: .init(dryRun: true))
            for candidacy in [id, other, third] {
                #expect(try await questionnaires.sealedIdentity(for: candidacy) != nil)
                #expect(try await audit.records(forCandidacy: candidacy).last?.entry.action == "candidacy.withdraw")
            }
            #expect(try await blobs.get(address) != nil)

            try await JobTesting.perform(Self.worker(db, blobs: blobs, daysAfterWithdrawal: 31), args: .init(dryRun: false))
            for candidacy in [id, other, third] {
                #expect(try await questionnaires.sealedIdentity(for: candidacy) == nil)
                #expect(try await PhotoRepository(client: db.client, logger: TestDatabase.logger).currentPhoto(candidacyID: candidacy) == nil)
                let line = try #require(try await audit.records(forCandidacy: candidacy).last)
                #expect(line.entry.action == "privacy.purge")
                #expect(line.entry.actor == .system(PrivacyPurgeWorker.kind))
            }
            #expect(try await blobs.get(address) == nil)

            // A second run finds nothing: no new audit line.
            try await JobTesting.perform(Self.worker(db, blobs: blobs, daysAfterWithdrawal: 32), args: .init())
            #expect(try await audit.records(forCandidacy: id).filter { $0.entry.action == "privacy.purge" }.count == 1)
        }
    }

    @Test func theKindIsDefinedAndScheduledDaily() throws {
        let catalog = try PhotoFixtures.catalog()
        #expect(catalog.policies[PrivacyPurgeWorker.kind] != nil)
        let schedule = try #require(catalog.schedules.first { $0.kind == PrivacyPurgeWorker.kind })
        #expect(schedule.expression == "30 3 * * *")
        #expect(try JSONDecoder().decode(PrivacyPurgeWorker.Args.self, from: Data(schedule.argsJSON.utf8)).dryRun == false)
    }
}
