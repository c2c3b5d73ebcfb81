import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import Imaging
import Storage
import Testing
import TestSupport

@Suite("Demo photos")
struct DemoPhotosTests {
    @Test func everyDemoProfileWithAPhotoGetsARealCheckedFile() async throws {
        try await TestDatabase.with { db in
            let process = PhotoFixtures.process
            let catalogs = try ProcessLoader.load(processID: process.id, configDirectory: "\(PhotoFixtures.repositoryRoot)/config").1
            try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
            let election = DemoElection(process: process, catalogs: catalogs, seed: 7, scale: .small)
            _ = try await DemoLoader(
                client: db.client, cipher: try SensitiveDataCipher(key: [UInt8](repeating: 1, count: 32), keyID: "t"),
                logger: TestDatabase.logger
            ).load(election) { _, _ in }
            let blobs = PhotoFixtures.blobStore()
            let attached = try await DemoPhotos(client: db.client, blobs: blobs, policy: PhotoPolicy(), logger: TestDatabase.logger)
                .attach(processID: process.id, publicationDate: process.publicationDate, count: 4, seed: 7)
            let withPhoto = try await db.client.query(
                """
                SELECT count(*) FROM curricular_questionnaires q JOIN candidacies c ON c.id = q.candidacy_id
                 WHERE c.status = 'aprobada' AND q.answers ? 'photo'
                """
            ).collect().first!.decode(Int.self)
            #expect(attached > 0 && attached == withPhoto)
            // The questionnaire refers to the stored file, and each file is a real, accepted JPEG.
            let rows = try await db.client.query(
                """
                SELECT p.sha256, v.sha256 FROM photos p JOIN curricular_questionnaires q ON q.candidacy_id = p.candidacy_id
                  JOIN photo_variants v ON v.photo_id = p.id AND v.variant = 'thumbnail'
                 WHERE p.status = 'accepted' AND q.answers->'photo'->>'sha256' = p.sha256
                """
            ).collect()
            #expect(rows.count == attached)
            let originals = Set(try rows.map { try $0.decode((String, String).self).0 })
            #expect(originals.count == 4)
            for sha in originals {
                let address = try #require(BlobAddress(sha256: sha))
                let bytes = try #require(try await blobs.get(address))
                #expect(PhotoChecker.check(bytes, policy: PhotoPolicy(), publicationDate: CalendarDay(process.publicationDate)).accepted != nil)
            }
            // The published copies name the same stored photos, so the public portal shows every one
            // (the publication reads the published copy): none names a photo that does not exist.
            let published = try await db.client.query(
                """
                SELECT count(*) FILTER (WHERE q.published_answers ? 'photo'),
                       count(*) FILTER (WHERE q.published_answers ? 'photo' AND NOT EXISTS (
                           SELECT 1 FROM photos p WHERE p.candidacy_id = q.candidacy_id AND p.status = 'accepted'
                              AND p.sha256 = q.published_answers->'photo'->>'sha256'))
                  FROM curricular_questionnaires q JOIN candidacies c ON c.id = q.candidacy_id WHERE c.status = 'aprobada'
                """
            ).collect().first!.decode((Int, Int).self)
            #expect(published.0 > 0)
            #expect(published.1 == 0, "published profiles naming a photo that does not exist")
            let builder = PublicationBuilder(
                client: db.client, cipher: try SensitiveDataCipher(key: [UInt8](repeating: 1, count: 32), keyID: "t"),
                process: process, catalogs: catalogs)
            try await JobTesting.perform(
                PublicationRebuildWorker(client: db.client, builder: builder, processID: process.id),
                args: .init(reason: "test"))
            let shown = try await db.client.query(
                """
                SELECT count(*) FILTER (WHERE has_photo) FROM published_profiles
                """
            ).collect().first!.decode(Int.self)
            #expect(shown == published.0, "every published profile with an accepted photo shows it")
            // Attaching again adds nothing.
            #expect(
                try await DemoPhotos(client: db.client, blobs: blobs, policy: PhotoPolicy(), logger: TestDatabase.logger)
                    .attach(processID: process.id, publicationDate: process.publicationDate, count: 4, seed: 7) == 0)
        }
    }
}
