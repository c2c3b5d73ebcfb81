import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobArguments
import JobQueue
import Storage
import Testing
import TestSupport

/// `conoceles import candidacies` with files made as Excel in Spanish makes them.
@Suite("CandidacyCSVImport")
struct CandidacyCSVImportTests {
    static let process = PhotoFixtures.process
    static let catalogs = try! ProcessLoader.load(processID: process.id, configDirectory: "\(PhotoFixtures.repositoryRoot)/config").1
    static let columns = [
        "event_id", "type", "occurred_at", "candidacy_id", "office", "district", "municipality", "formula_position",
        "full_name", "gender", "birth_date", "postulated_by_type", "postulated_by", "email",
    ]

    /// One approval row; `changes` override cells by column.
    static func row(_ n: Int, _ changes: [String: String] = [:]) -> [String] {
        var values = [
            "event_id": "csv-\(n)", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
            "candidacy_id": "CSV-\(n)", "office": "REG", "district": "", "municipality": "039",
            "formula_position": "suplente", "full_name": "Regidora Número \(n), Peña", "gender": "mujer",
            "birth_date": "1990-07-01", "postulated_by_type": "partido", "postulated_by": "MORENA",
            "email": "regidora\(n)@example.mx",
        ]
        values.merge(changes) { $1 }
        return columns.map { values[$0]! }
    }

    /// The rows as Excel es-MX saves "CSV UTF-8" with a semicolon list separator: BOM, `;`, CRLF,
    /// quotes only where a cell needs them.
    static func excel(_ rows: [[String]], separator: String = ";", bom: Bool = true) -> [UInt8] {
        let text =
            ([columns] + rows).map { cells in
                cells.map { $0.contains(separator) || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                    .joined(separator: separator)
            }.joined(separator: "\r\n") + "\r\n"
        return (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }

    /// A fresh database with the process registered (its events refer to it).
    static func withDatabase(_ body: @Sendable @escaping (Database) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
            try await body(db)
        }
    }

    static func importer(_ db: Database) -> CandidacyCSVImport {
        CandidacyCSVImport(
            client: db.client, process: process, catalogs: catalogs,
            jobs: JobClient(client: db.client, logger: TestDatabase.logger), batchSize: 2, logger: TestDatabase.logger)
    }

    static func storedEvents(_ db: Database) async throws -> Int {
        try await db.client.query("SELECT count(*)::int FROM registration_events").collect().first!.decode(Int.self)
    }

    static func ingestJobs(_ db: Database) async throws -> Int {
        try await JobTesting.enqueued(db, kind: IngestJob.kind).count
    }

    @Test func anExcelFileWithMangledKeysIsStoredAndTheRepairsAreReported() async throws {
        try await Self.withDatabase { db in
            let rows = [
                Self.row(1), Self.row(2, ["municipality": "39"]), Self.row(3, ["postulated_by": "morena"]),
                Self.row(4, ["office": "DIP_MR", "municipality": "", "district": "07"]),
            ]
            let summary = try await Self.importer(db).run(csv: Self.excel(rows))
            #expect(summary.rows == 4 && summary.stored == 4 && !summary.refused)
            #expect(summary.repaired.map(\.row) == [3, 4])
            #expect(summary.repaired[0].messages == ["«municipality»: «39» se tomó como «039» (la hoja de cálculo quitó los ceros a la izquierda)."])
            #expect(summary.repaired[1].messages.first?.contains("«morena» se tomó como «MORENA»") == true)
            #expect(try await Self.storedEvents(db) == 4)
            #expect(try await Self.ingestJobs(db) == 4)
            // The stored body carries the key as the process has it, and the name with its comma and accents.
            let body = try await db.client.query("SELECT body::text FROM registration_events WHERE id = 'csv-2'").collect().first!.decode(String.self)
            #expect(body.contains("\"039\"") && !body.contains("\"39\""))
            let name = try await db.client.query("SELECT body->'candidacy'->>'full_name' FROM registration_events WHERE id = 'csv-1'")
                .collect().first!.decode(String.self)
            #expect(name == "Regidora Número 1, Peña")
            // The same file again: no second effect.
            let again = try await Self.importer(db).run(csv: Self.excel(rows))
            #expect(again.stored == 0 && again.duplicates == 4 && !again.refused)
            #expect(try await Self.ingestJobs(db) == 4)
        }
    }

    @Test func everyInvalidRowIsReportedAndNothingIsStoredUntilTheFileIsCorrected() async throws {
        try await Self.withDatabase { db in
            let rows = [
                Self.row(1),
                Self.row(2, ["office": "DIP_MR", "municipality": "", "district": "21"]),  // out of range: the worker's check
                Self.row(3, ["postulated_by": "XYZ"]),  // not in the process
                Self.row(4, ["municipality": "999"]),  // not in the catalog
                Self.row(5, ["full_name": "Nombre con \u{0} nulo"]),  // NUL: refused on its row, never a PostgreSQL error
                Self.row(6, ["gender": "femenino"]),  // the API's own check
                Self.row(7, ["event_id": "csv-1"]),  // twice in the file
                Self.row(8),
            ]
            let summary = try await Self.importer(db).run(csv: Self.excel(rows))
            #expect(summary.refused && summary.stored == 0)
            #expect(summary.invalid.map(\.row) == [3, 4, 5, 6, 7, 8])
            func messages(_ row: Int) -> String { summary.invalid.first { $0.row == row }?.messages.joined(separator: " ") ?? "" }
            #expect(messages(3).contains("«district»: El distrito 21 no existe en el proceso."))
            #expect(messages(4).contains("«postulated_by»: «XYZ» no es un partido"))
            #expect(messages(5).contains("«municipality»: El municipio 999 no está en el catálogo."))
            #expect(messages(6).contains("carácter nulo (NUL)"))
            #expect(messages(7).contains("candidacy.gender"))
            #expect(messages(8).contains("ya está en la fila 2"))
            // Checked before anything is stored: no event, no job, even for the good rows.
            #expect(try await Self.storedEvents(db) == 0)
            #expect(try await Self.ingestJobs(db) == 0)

            // The corrected file, same event ids: all stored.
            let corrected = [
                Self.row(1), Self.row(2, ["office": "DIP_MR", "municipality": "", "district": "20"]), Self.row(3),
                Self.row(4), Self.row(5), Self.row(6), Self.row(7), Self.row(8),
            ]
            let fixed = try await Self.importer(db).run(csv: Self.excel(corrected))
            #expect(!fixed.refused && fixed.stored == 8)
            #expect(try await Self.storedEvents(db) == 8)
            #expect(try await Self.ingestJobs(db) == 8)
        }
    }

    @Test func aStrayQuoteStopsTheFileWithItsRowAndStoresNothing() async throws {
        try await Self.withDatabase { db in
            var bytes = Self.excel([Self.row(1), Self.row(2)], separator: ",", bom: false)
            bytes += Array("csv-3,candidacy.approved,2024-03-05T18:00:00Z,CSV-3,REG,,039,suplente,\"Sin cerrar,mujer\r\n".utf8)
            bytes += Array(Self.excel([Self.row(4)], separator: ",", bom: false).drop { $0 != 0x0A }.dropFirst())
            await #expect(throws: CandidacyCSVImport.ImportError.self) { try await Self.importer(db).run(csv: bytes) }
            do {
                _ = try await Self.importer(db).run(csv: bytes)
            } catch let error as CandidacyCSVImport.ImportError {
                #expect(error.description.contains("renglón 4"))
            }
            #expect(try await Self.storedEvents(db) == 0)
        }
    }

    @Test func aWindows1252FileIsRead() async throws {
        try await Self.withDatabase { db in
            let text = String(decoding: Self.excel([Self.row(1, ["full_name": "Begoña Muñoz Ibáñez"])], separator: ",", bom: false), as: UTF8.self)
            let bytes = try #require(text.data(using: .windowsCP1252).map(Array.init))
            let summary = try await Self.importer(db).run(csv: bytes)
            #expect(summary.stored == 1)
            let name = try await db.client.query("SELECT body->'candidacy'->>'full_name' FROM registration_events WHERE id = 'csv-1'")
                .collect().first!.decode(String.self)
            #expect(name == "Begoña Muñoz Ibáñez")
        }
    }

    @Test func anEventIDReceivedWithOtherContentIsAConflictAndNothingIsStored() async throws {
        try await Self.withDatabase { db in
            _ = try await Self.importer(db).run(csv: Self.excel([Self.row(1)]))
            let summary = try await Self.importer(db).run(csv: Self.excel([Self.row(1, ["full_name": "Otra Persona"]), Self.row(2)]))
            #expect(summary.refused && summary.conflicts.map(\.row) == [2] && summary.stored == 0)
            #expect(try await Self.storedEvents(db) == 1)
        }
    }

    @Test func theWorkerAndTheImportShareOneCheck() throws {
        // A substitution of itself is refused by the import exactly as the worker would reject it.
        var wire = CandidacyEventParser.Wire()
        wire.id = "e"
        wire.type = "candidacy.substituted"
        wire.occurredAt = "2024-03-05T18:00:00Z"
        wire.replacesCandidacyId = "X-1"
        var c = CandidacyEventParser.WireCandidacy()
        c.id = "X-1"; c.office = "GUB"; c.formulaPosition = "propietario"; c.fullName = "Persona"; c.gender = "mujer"
        c.age = 40; c.postulatedByType = "partido"; c.postulatedBy = "PAN"; c.email = "x@example.mx"
        wire.candidacy = c
        let event = try CandidacyEventParser.parse(wire, processID: Self.process.id).get()
        #expect(event.inconsistencies(with: Self.process, catalogs: Self.catalogs) == [.substitutesItself("X-1")])
    }
}
