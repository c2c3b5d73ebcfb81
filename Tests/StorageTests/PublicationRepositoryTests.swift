import ConocelesCore
import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing

@Suite("PublicationRepository")
struct PublicationRepositoryTests {
    static let logger = TestDatabase.logger

    static func profile(_ id: String, name: String, office: String = "GUB", published: Bool = true, age: Int = 45,
                        entity: PostulatingEntity = .party(code: "PA")) -> PublishedProfile {
        PublishedProfile(
            id: id, fullName: name, officeCode: office, officeName: office, entityKind: entity.kind, entityCode: entity.code,
            entityName: entity.code, district: nil, municipality: nil, municipalityName: nil, listPosition: nil,
            formulaPosition: .proprietor, gender: published ? .woman : nil, ageYears: published ? age : nil, affirmativeAction: nil,
            curricular: published ? .init(contact: PublicContact(), education: "Licenciatura", educationStatus: nil, otherTraining: [],
                                          professionalHistory: "h", politicalTrajectory: "t", publicOfficeMotivation: "m",
                                          firstProposal: "1", secondProposal: "2", genderProposal: "g") : nil,
            educationKey: published ? "licenciatura" : nil, identity: [], photo: nil, publishedOn: nil, republishedOn: nil)
    }

    @Test func aSnapshotBecomesCurrentAtOnceAndOldOnesArePruned() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            #expect(try await repository.current(processID: id) == nil)
            #expect(try await repository.search(processID: id, filter: .init(), limit: 10, offset: 0).total == 0)
            var versions: [Int64] = []
            for round in 1...4 {
                versions.append(try await repository.saveSnapshot(
                    processID: id, profiles: [Self.profile("C-\(round)", name: "Versión \(round)")], statistics: [], builtAt: Date()))
            }
            #expect(try await repository.current(processID: id)?.version == versions.last)
            let page = try await repository.search(processID: id, filter: .init(), limit: 10, offset: 0)
            #expect(page.profiles.map(\.id) == ["C-4"])
            #expect(try await repository.profile(processID: id, id: "C-3") == nil)
            var kept: [Int64] = []
            for try await version in try await db.client.query("SELECT version FROM publication_snapshots ORDER BY version",
                                                                 logger: Self.logger).decode(Int64.self) { kept.append(version) }
            #expect(kept == Array(versions.suffix(3)))
        }
    }

    @Test func searchFiltersByNameWithoutAccentsAgeAndEntityAndPages() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            try await repository.saveSnapshot(processID: id, profiles: [
                Self.profile("C-1", name: "José Ñúñez", age: 25),
                Self.profile("C-2", name: "Ana Pérez", age: 61, entity: .party(code: "PB")),
                Self.profile("C-3", name: "Jose Luis Sin Perfil", published: false),
            ], statistics: [], builtAt: Date())
            func ids(_ filter: PublicationFilter, limit: Int = 10, offset: Int = 0) async throws -> [String] {
                try await repository.search(processID: id, filter: filter, limit: limit, offset: offset).profiles.map(\.id)
            }
            #expect(try await ids(.init(name: "JOSE")) == ["C-1", "C-3"])
            #expect(try await ids(.init(name: "nunez")) == ["C-1"])
            #expect(try await ids(.init(minimumAge: 60)) == ["C-2"])
            #expect(try await ids(.init(entity: "partido:PB")) == ["C-2"])
            #expect(try await ids(.init(entity: "partido")) == ["C-1", "C-2", "C-3"])
            #expect(try await ids(.init(education: "licenciatura")) == ["C-1", "C-2"])
            #expect(try await ids(.init(name: "%")) == [])
            #expect(try await ids(.init(), limit: 2, offset: 2) == ["C-3"])
            let page = try await repository.search(processID: id, filter: .init(), limit: 1, offset: 0)
            #expect(page.total == 3)
            let compliance = try await repository.compliance(processID: id)
            #expect(compliance.map(\.approved).reduce(0, +) == 3)
            #expect(compliance.map(\.published).reduce(0, +) == 2)
        }
    }
}
