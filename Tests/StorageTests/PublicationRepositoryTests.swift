import ConocelesCore
import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing

@Suite("PublicationRepository")
struct PublicationRepositoryTests {
    static let logger = TestDatabase.logger

    static func profile(
        _ id: String, name: String, office: String = "GUB", published: Bool = true, age: Int = 45,
        entity: PostulatingEntity = .party(code: "PA")
    ) -> PublishedProfile {
        PublishedProfile(
            id: id, fullName: name, officeCode: office, officeName: office, entityKind: entity.kind, entityCode: entity.code,
            entityName: entity.code, district: nil, municipality: nil, municipalityName: nil, listPosition: nil,
            formulaPosition: .proprietor, gender: published ? .woman : nil, ageYears: published ? age : nil, affirmativeAction: nil,
            curricular: published
                ? .init(
                    contact: PublicContact(), education: "Licenciatura", educationStatus: nil, otherTraining: [],
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
                versions.append(
                    try await repository.saveSnapshot(
                        processID: id, profiles: [Self.profile("C-\(round)", name: "Versión \(round)")], builtAt: Date()
                    ).version)
            }
            #expect(try await repository.prune(processID: id) == 1)  // C-1's row: only version 1 saw it
            #expect(try await repository.current(processID: id)?.version == versions.last)
            let page = try await repository.search(processID: id, filter: .init(), limit: 10, offset: 0)
            #expect(page.profiles.map(\.id) == ["C-4"])
            #expect(try await repository.profile(processID: id, id: "C-3") == nil)
            var kept: [Int64] = []
            for try await version in try await db.client.query(
                "SELECT version FROM publication_snapshots ORDER BY version",
                logger: Self.logger
            ).decode(Int64.self) { kept.append(version) }
            #expect(kept == Array(versions.suffix(3)))
        }
    }

    @Test func searchFiltersByNameWithoutAccentsAgeAndEntityAndPages() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            try await repository.saveSnapshot(
                processID: id,
                profiles: [
                    Self.profile("C-1", name: "José Ñúñez", age: 25),
                    Self.profile("C-2", name: "Ana Pérez", age: 61, entity: .party(code: "PB")),
                    Self.profile("C-3", name: "Jose Luis Sin Perfil", published: false),
                ], builtAt: Date())
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

    // MARK: One-profile refresh

    /// Rows of `table` of the process, live or kept for an older version.
    static func rowCount(_ db: Database, _ table: String) async throws -> Int {
        for try await count in try await db.client.query("SELECT count(*)::int8 FROM \(unescaped: table)", logger: logger).decode(Int.self) {
            return count
        }
        return 0
    }

    @Test func aFullRebuildWritesOnlyTheRowsWhoseDocumentChangedAndOlderVersionsKeepTheirs() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            func save(_ profiles: [PublishedProfile]) async throws -> PublicationRepository.SavedSnapshot {
                try await repository.saveSnapshot(processID: id, profiles: profiles, builtAt: Date())
            }
            func names() async throws -> [String] {
                try await repository.search(processID: id, filter: .init(), limit: 10, offset: 0).profiles.map(\.fullName)
            }
            let first = try await save(["A", "B", "C"].map { Self.profile("C-\($0)", name: "Perfil \($0)") })
            #expect(first.rowsWritten == 3)

            let same = try await save(["A", "B", "C"].map { Self.profile("C-\($0)", name: "Perfil \($0)") })
            #expect(same.version > first.version)
            #expect(same.rowsWritten == 0 && same.rowsClosed == 0)
            #expect(try await repository.current(processID: id)?.version == same.version)
            #expect(try await names() == ["Perfil A", "Perfil B", "Perfil C"])
            #expect(try await Self.rowCount(db, "published_documents") == 3)

            // B changed and D is new (placed last): two rows written, B's old row closed.
            let changed = try await save([
                Self.profile("C-A", name: "Perfil A"), Self.profile("C-B", name: "Perfil B cambiado"),
                Self.profile("C-C", name: "Perfil C"), Self.profile("C-D", name: "Perfil D"),
            ])
            #expect(changed.rowsWritten == 2 && changed.rowsClosed == 1)
            #expect(try await names() == ["Perfil A", "Perfil B cambiado", "Perfil C", "Perfil D"])
            #expect(try await repository.profile(processID: id, id: "C-B")?.profile.fullName == "Perfil B cambiado")
            #expect(try await Self.rowCount(db, "published_documents") == 5)
            // The previous version still sees B as it was, and no D.
            var before: [String] = []
            for try await name in try await db.client.query(
                """
                SELECT d.document::jsonb->>'fullName' FROM published_documents d
                 WHERE d.process_id = \(id) AND d.first_version <= \(same.version) AND d.last_version >= \(same.version)
                 ORDER BY d.candidacy_id
                """, logger: Self.logger
            ).decode(String.self) { before.append(name) }
            #expect(before == ["Perfil A", "Perfil B", "Perfil C"])

            // Every row gone: all closed, the snapshot lists nothing.
            let empty = try await save([])
            #expect(empty.rowsWritten == 0 && empty.rowsClosed == 4)
            #expect(try await names().isEmpty)
        }
    }

    /// A first snapshot is all new rows: written early under a placeholder key, every one is
    /// given its place at the end, in one statement, whatever the planner knows of them.
    @Test func aFirstSnapshotWrittenInPartsSettlesEveryKey() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            let ids = (0..<3_000).map { "N-\(String(format: "%05d", $0))" }
            let encoded = try ids.map { try PublicationRepository.encode(Self.profile($0, name: "Perfil \($0)")) }
            let saved = try await repository.saveSnapshot(processID: id, builtAt: Date()) { sink in
                for start in stride(from: 0, to: encoded.count, by: 250) { sink.yield(Array(encoded[start..<min(start + 250, encoded.count)])) }
                return encoded
            }
            #expect(saved.rowsWritten == 3_000 && saved.rowsClosed == 0)
            var listed: [String] = []
            for try await (candidacy, key) in try await db.client.query(
                "SELECT candidacy_id, sort_key FROM published_profiles WHERE last_version = \(Int64.max) ORDER BY sort_key", logger: Self.logger
            ).decode((String, Double).self) {
                listed.append(candidacy)
                #expect(key == Double(listed.count - 1))
            }
            #expect(listed == ids)
        }
    }

    /// Rows are written with `COPY`: tabs, newlines, carriage returns and backslashes in any
    /// text, absent values and the document's hash arrive as they were.
    @Test func aProfileWithEscapesAndNullsIsStoredAsItWas() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            var tricky = Self.profile("C-T", name: "Ana\tBelén \\ «Nena»\r\nRuiz \\N", office: "DIP-MR")
            tricky.district = 4
            tricky.municipality = "039"
            tricky.photo = .init(sha256: "aa", contentType: "image/jpeg", width: 1, height: 2)
            tricky.curricular?.professionalHistory = "línea 1\nlínea 2\t\\ fin"
            let bare = Self.profile("C-U", name: "Sin perfil", published: false)
            try await repository.saveSnapshot(processID: id, profiles: [tricky, bare], builtAt: Date())
            #expect(try await repository.profile(processID: id, id: "C-T")?.profile == tricky)
            #expect(try await repository.profile(processID: id, id: "C-U")?.profile == bare)
            let found = try await repository.search(processID: id, filter: .init(name: "belen \\ «nena» ruiz"), limit: 10, offset: 0)
            #expect(found.profiles.map(\.id) == ["C-T"])
            let row = try await db.client.query(
                """
                SELECT district::int4, municipality, gender, age_years::int4, education, has_photo, document_sha256
                  FROM published_profiles WHERE candidacy_id = 'C-U'
                """, logger: Self.logger
            ).decode((Int?, String?, String?, Int?, String?, Bool, Data).self)
            for try await (district, municipality, gender, age, education, hasPhoto, hash) in row {
                #expect(district == nil && municipality == nil && gender == nil && age == nil && education == nil && !hasPhoto)
                #expect(hash == (try PublicationRepository.encode(bare)).hash)
            }
            // The same profiles again: every hash matches, nothing is rewritten.
            let again = try await repository.saveSnapshot(processID: id, profiles: [tricky, bare], builtAt: Date())
            #expect(again.rowsWritten == 0)
        }
    }

    /// A build hands its profiles over in parts, in any order, while it still reads: the rows
    /// written early keep their place or get it at the end, and the snapshot is the one a
    /// whole write would have made.
    @Test func aSnapshotHandedOverInPartsEndsAsTheWholeDisplayOrder() async throws {
        try await TestDatabase.with { db async throws in
            try await StorageFactories.seed(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let id = StorageFactories.processID
            let letters = (0..<12).map { "C-\(String(format: "%02d", $0))" }
            try await repository.saveSnapshot(processID: id, profiles: letters.map { Self.profile($0, name: "Perfil \($0)") }, builtAt: Date())

            // New order: 03 moved to the end (same document), 05 and 09 changed, 07 removed,
            // N1 new first, N2 new between 10 and 11, N3 new last.
            var order = letters.filter { $0 != "C-07" && $0 != "C-03" }
            order.insert("N1", at: 0)
            order.insert("N2", at: order.firstIndex(of: "C-11")!)
            order += ["C-03", "N3"]
            let profiles = order.map { candidacy in
                Self.profile(candidacy, name: ["C-05", "C-09"].contains(candidacy) ? "Perfil \(candidacy) cambiado" : "Perfil \(candidacy)")
            }
            let encoded = try profiles.map(PublicationRepository.encode)
            let saved = try await repository.saveSnapshot(processID: id, builtAt: Date()) { sink in
                // Parts of three, the last first, as child tasks may finish.
                for start in stride(from: 0, to: encoded.count, by: 3).reversed() {
                    sink.yield(Array(encoded[start..<min(start + 3, encoded.count)]))
                }
                return encoded
            }
            // Written: N1, N2, N3, 05, 09 and the moved 03; closed: 05, 09, 03 and 07.
            #expect(saved.rowsWritten == 6 && saved.rowsClosed == 4)
            #expect(saved.listed == order.count)
            let page = try await repository.search(processID: id, filter: .init(), limit: 50, offset: 0)
            #expect(page.profiles.map(\.id) == order)
            #expect(try await repository.profile(processID: id, id: "C-05")?.profile.fullName == "Perfil C-05 cambiado")
            #expect(try await repository.profile(processID: id, id: "C-07") == nil)
            for table in ["published_profiles", "published_documents"] {
                var open: [String] = []
                for try await candidacy in try await db.client.query(
                    "SELECT candidacy_id FROM \(unescaped: table) WHERE last_version = \(Int64.max) ORDER BY candidacy_id", logger: Self.logger
                ).decode(String.self) { open.append(candidacy) }
                #expect(open == order.sorted(), "one open row per listed candidacy in \(table)")
            }
            var keys: [Double] = []
            for try await key in try await db.client.query(
                "SELECT sort_key FROM published_profiles WHERE last_version = \(Int64.max) ORDER BY sort_key", logger: Self.logger
            ).decode(Double.self) { keys.append(key) }
            #expect(Set(keys).count == order.count)
            // The rows that neither moved nor changed are still the first version's.
            #expect(try await Self.rowCount(db, "published_profiles") == 12 + 6)

            // A producer that fails leaves the current snapshot as it was.
            struct Failed: Error {}
            await #expect(throws: Failed.self) {
                try await repository.saveSnapshot(processID: id, builtAt: Date()) { sink in
                    sink.yield([try PublicationRepository.encode(Self.profile("X", name: "Nunca"))])
                    throw Failed()
                }
            }
            #expect(try await repository.current(processID: id)?.version == saved.version)
            #expect(try await repository.search(processID: id, filter: .init(), limit: 50, offset: 0).profiles.map(\.id) == order)
        }
    }

    @Test func aOneProfileRefreshChangesOnlyItsRowAndSharesTheRest() async throws {
        try await TestDatabase.with { db async throws in
            let ids = ["C-A", "C-B", "C-D"]
            try await StorageFactories.seed(db, ids.map { StorageFactories.candidacy($0) })
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let processID = StorageFactories.processID, zone = StorageFactories.process.timeZone
            let first = try await repository.saveSnapshot(
                processID: processID, profiles: ids.map { Self.profile($0, name: "Perfil \($0)") }, builtAt: Date()
            ).version
            func names() async throws -> [String] {
                try await repository.search(processID: processID, filter: .init(), limit: 10, offset: 0).profiles.map(\.fullName)
            }
            func refresh(_ id: String, name: String) async throws -> ProfileRefreshOutcome {
                try await repository.refreshProfile(processID: processID, timeZone: zone, candidacyID: id, builtAt: Date()) { source in
                    source.map { Self.profile($0.candidacy.id, name: name) }
                }
            }

            // Added: placed between its neighbours in the display order (by id here), every other row shared.
            try await CandidacyRepository(client: db.client, logger: Self.logger).register(StorageFactories.candidacy("C-C"), by: .system("test"))
            let added = try await refresh("C-C", name: "Perfil C-C")
            #expect(added == .added(version: try #require(added.newVersion), hasProfile: true))
            #expect(try await names() == ["Perfil C-A", "Perfil C-B", "Perfil C-C", "Perfil C-D"])
            #expect(try await Self.rowCount(db, "published_profiles") == 4)
            #expect(try await Self.rowCount(db, "published_documents") == 4)

            // Replaced: the new version sees the new row; nothing else was copied.
            let replaced = try await refresh("C-B", name: "Perfil C-B cambiado")
            #expect(replaced.newVersion != nil)
            #expect(try await names() == ["Perfil C-A", "Perfil C-B cambiado", "Perfil C-C", "Perfil C-D"])
            #expect(try await repository.profile(processID: processID, id: "C-B")?.profile.fullName == "Perfil C-B cambiado")
            #expect(try await Self.rowCount(db, "published_profiles") == 5)

            // The same data again: no new version.
            #expect(try await refresh("C-D", name: "Perfil C-D") == .unchanged(version: try #require(replaced.newVersion)))

            // Removed: a cancelled candidacy has no source, its row is closed.
            _ = try await CandidacyRepository(client: db.client, logger: Self.logger).withdraw("C-A", as: .cancelled, by: .system("test"))
            let removed = try await refresh("C-A", name: "ignorado")
            #expect(removed == .removed(version: try #require(removed.newVersion), hadProfile: true))
            #expect(try await names() == ["Perfil C-B cambiado", "Perfil C-C", "Perfil C-D"])
            #expect(try await repository.profile(processID: processID, id: "C-A") == nil)
            let compliance = try await repository.compliance(processID: processID)
            #expect(compliance.map(\.approved).reduce(0, +) == 3)
            #expect(try await repository.listed(processID: processID).candidacies.map(\.id) == ["C-B", "C-C", "C-D"])

            // Pruning: with 3 versions kept (v1 is gone), rows only v1 saw are deleted; the
            // cancelled row stays while a kept version still sees it.
            _ = try await refresh("C-B", name: "Perfil C-B otra vez")
            #expect(try await Self.rowCount(db, "published_profiles") == 6)  // nothing pruned by the switch itself
            #expect(try await repository.prune(processID: processID) == 1)
            var versions: [Int64] = []
            for try await version in try await db.client.query(
                "SELECT version FROM publication_snapshots ORDER BY version",
                logger: Self.logger
            ).decode(Int64.self) { versions.append(version) }
            #expect(versions.count == 3)
            #expect(!versions.contains(first))
            let oldest = try #require(versions.first)
            var stale = 0
            for try await count in try await db.client.query(
                "SELECT count(*)::int8 FROM published_profiles WHERE last_version < \(oldest)", logger: Self.logger
            ).decode(Int.self) {
                stale = count
            }
            #expect(stale == 0)
            // Live: C-B (third), C-C, C-D; kept for older versions: C-A and the second C-B.
            #expect(try await Self.rowCount(db, "published_profiles") == 5)
            #expect(try await Self.rowCount(db, "published_documents") == 5)
            #expect(try await names() == ["Perfil C-B otra vez", "Perfil C-C", "Perfil C-D"])
        }
    }

    @Test func aRefreshBeforeAnySnapshotAsksForAFullRebuild() async throws {
        try await TestDatabase.with { db async throws in
            let id = try await StorageFactories.seedOne(db)
            let repository = PublicationRepository(client: db.client, logger: Self.logger)
            let outcome = try await repository.refreshProfile(
                processID: StorageFactories.processID, timeZone: StorageFactories.process.timeZone, candidacyID: id, builtAt: Date()
            ) { source in source.map { Self.profile($0.candidacy.id, name: "x") } }
            #expect(outcome == .needsFullRebuild)
            #expect(try await repository.current(processID: StorageFactories.processID) == nil)
        }
    }
}
