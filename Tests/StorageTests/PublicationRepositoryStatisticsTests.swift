import ConocelesCore
import Foundation
@testable import Storage
import TestSupport
import Testing

@Suite("PublicationRepository statistics")
struct PublicationRepositoryStatisticsTests {
    typealias Factory = PublicationRepositoryTests

    @Test func profileCountsGroupTheCurrentSnapshotsPublishedProfilesByEducationAndAge() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: TestDatabase.logger)
            let id = StorageFactories.processID
            #expect(try await repository.currentSwitch(processID: id) == nil)
            #expect(try await repository.profileCounts(processID: id) == PublishedProfileCounts())

            try await repository.saveSnapshot(
                processID: id, profiles: [Factory.profile("OLD", name: "Versión vieja", age: 30)],
                builtAt: Date(timeIntervalSince1970: 1_700_000_000))
            var noEducation = Factory.profile("C-4", name: "Sin escolaridad", age: 70)
            noEducation.educationKey = nil
            let builtAt = Date(timeIntervalSince1970: 1_712_000_000)
            let version = try await repository.saveSnapshot(
                processID: id,
                profiles: [
                    Factory.profile("C-1", name: "Uno", age: 45), Factory.profile("C-2", name: "Dos", age: 45),
                    Factory.profile("C-3", name: "Tres", age: 25), noEducation,
                    Factory.profile("C-5", name: "Sin perfil", published: false),
                ], builtAt: builtAt
            ).version

            let current = try #require(try await repository.currentSwitch(processID: id))
            #expect(current.version == version)
            #expect(current.switchedAt == builtAt)
            let counts = try await repository.profileCounts(processID: id)
            #expect(counts.version == version)
            // Only published profiles of the current snapshot: not "Sin perfil", not the old version.
            #expect(counts.byEducation == ["licenciatura": 3, nil: 1])
            #expect(counts.byAge == [45: 2, 25: 1, 70: 1])
        }
    }
}
