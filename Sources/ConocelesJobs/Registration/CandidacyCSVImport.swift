import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// `conoceles import candidacies FILE.csv`: the registration system's events from a CSV
/// batch, one row per event. The file is read by `SpreadsheetTable` (the reader of every
/// uploaded CSV: as Excel saves it, any separator, line end and encoding), each row is
/// validated exactly like the API and then against the process and its catalogs with the
/// ingest worker's own check (`CandidacyEvent.inconsistencies(with:catalogs:)`), after
/// reading back keys a spreadsheet mangled (`CandidacyKeyRepair`). Nothing is stored unless
/// every row is good: a file with a problem is reported row by row (number, field, Spanish
/// reason) and can be corrected and sent again whole. A good file is stored in one
/// transaction, each event with its ingest job.
public struct CandidacyCSVImport: Sendable {
    /// Columns, in Spanish-friendly snake_case; the same names as the API's JSON fields.
    public static let columns = [
        "event_id", "type", "occurred_at", "candidacy_id", "replaces_candidacy_id", "office", "district", "municipality",
        "list_position", "formula_position", "full_name", "gender", "birth_date", "age", "affirmative_action",
        "postulated_by_type", "postulated_by", "email", "phone", "representative_email",
    ]

    /// One row's problems (or notes).
    public struct RowReport: Sendable, Equatable {
        public let row: Int
        public let eventID: String?
        public let messages: [String]
    }

    /// What an import did.
    public struct Summary: Sendable, Equatable {
        public var rows = 0
        public var stored = 0
        public var duplicates = 0
        /// Rows whose event id was already received with another content.
        public var conflicts: [RowReport] = []
        public var invalid: [RowReport] = []
        /// Rows taken with a key read back (`39` as `039`), with what was read.
        public var repaired: [RowReport] = []

        /// Whether nothing was stored because some row has a problem.
        public var refused: Bool { !invalid.isEmpty || !conflicts.isEmpty }
    }

    let client: PostgresClient
    let process: ElectionProcess
    let catalogs: Catalogs
    let jobs: JobClient
    let batchSize: Int
    let logger: Logger

    public init(client: PostgresClient, process: ElectionProcess, catalogs: Catalogs, jobs: JobClient, batchSize: Int = 500, logger: Logger) {
        self.client = client
        self.logger = logger
        self.process = process
        self.catalogs = catalogs
        self.jobs = jobs
        self.batchSize = batchSize
    }

    /// Reads and validates every row; stores them all when all are good (`progress(done,
    /// total)` after each batch), otherwise nothing.
    public func run(csv bytes: [UInt8], progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        let table: SpreadsheetTable
        do {
            table = try SpreadsheetTable.read(bytes)
        } catch {
            throw ImportError(error.message)
        }
        let header = table.header.map { $0.lowercased() }
        let unknown = header.filter { !Self.columns.contains($0) }
        guard unknown.isEmpty else {
            throw ImportError("Columnas desconocidas: \(unknown.joined(separator: ", ")). Columnas válidas: \(Self.columns.joined(separator: ", ")).")
        }
        for required in ["event_id", "type", "occurred_at"] where !header.contains(required) {
            throw ImportError("Falta la columna obligatoria «\(required)».")
        }
        var summary = Summary()
        summary.rows = table.rows.count
        var events: [(Int, RegistrationEvent)] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            var values: [String: String] = [:]
            for (index, name) in header.enumerated() {
                let value = row.cell(index).trimmedOfWhiteSpace
                if !value.isEmpty { values[name] = value }
            }
            if let problem = row.nulProblem ?? row.overflowProblem(columns: header.count) {
                summary.invalid.append(RowReport(row: row.number, eventID: values["event_id"], messages: [problem]))
                continue
            }
            switch Self.event(from: values, process: process, catalogs: catalogs) {
            case .failure(let problems):
                summary.invalid.append(RowReport(row: row.number, eventID: values["event_id"], messages: problems.messages))
            case .success(let (event, repairs)):
                if let first = seen[event.id] {
                    summary.invalid.append(
                        RowReport(
                            row: row.number, eventID: event.id,
                            messages: [
                                "«event_id»: «\(event.id)» ya está en la fila \(first); cada evento lleva su propio identificador."
                            ]))
                    continue
                }
                seen[event.id] = row.number
                if !repairs.isEmpty {
                    summary.repaired.append(RowReport(row: row.number, eventID: event.id, messages: repairs.map(\.message)))
                }
                events.append((row.number, event))
            }
        }
        // Events received before: the same content has no second effect; another content is
        // a conflict, reported before anything is stored.
        let repository = RegistrationEventRepository(client: client, logger: logger)
        var new: [(Int, RegistrationEvent)] = []
        for (row, event) in events {
            switch try await repository.hasSameBody(id: event.id, body: event.body) {
            case nil: new.append((row, event))
            case true?: summary.duplicates += 1
            case false?:
                summary.conflicts.append(
                    RowReport(
                        row: row, eventID: event.id,
                        messages: [
                            "El evento «\(event.id)» ya se había recibido con otro contenido: use un event_id nuevo para corregirlo."
                        ]))
            }
        }
        guard !summary.refused else { return summary }
        try await store(new, into: &summary, total: table.rows.count, progress: progress)
        progress(table.rows.count, table.rows.count)
        return summary
    }

    /// A row as the API's JSON body (its mangled keys read back), parsed by the same parser
    /// and checked against the process like the worker does.
    static func event(
        from values: [String: String], process: ElectionProcess,
        catalogs: Catalogs
    ) -> Result<(RegistrationEvent, [CandidacyKeyRepair]), RowProblems> {
        let processID = process.id
        var wire = CandidacyEventParser.Wire()
        wire.id = values["event_id"]
        wire.type = values["type"]
        wire.occurredAt = values["occurred_at"]
        wire.candidacyId = values["candidacy_id"]
        wire.replacesCandidacyId = values["replaces_candidacy_id"]
        var problems: [String] = []
        var repairs: [CandidacyKeyRepair] = []
        func int(_ name: String) -> Int? {
            guard let text = values[name] else { return nil }
            guard let n = Int(text) else { problems.append("«\(name)»: «\(text)» no es un número entero."); return nil }
            return n
        }
        if values["type"] != CandidacyEvent.Kind.cancelled.rawValue {
            var c = CandidacyEventParser.WireCandidacy()
            c.id = values["candidacy_id"]
            c.office = values["office"]
            c.district = int("district")
            c.municipality = values["municipality"]
            c.listPosition = int("list_position")
            c.formulaPosition = values["formula_position"]
            c.fullName = values["full_name"]
            c.gender = values["gender"]
            c.birthDate = values["birth_date"]
            c.age = int("age")
            c.affirmativeAction = values["affirmative_action"]
            c.postulatedByType = values["postulated_by_type"]
            c.postulatedBy = values["postulated_by"]
            c.email = values["email"]
            c.phone = values["phone"]
            c.representativeEmail = values["representative_email"]
            (c, repairs) = CandidacyKeyRepair.repairing(c, process: process, catalogs: catalogs)
            wire.candidacy = c
        }
        switch CandidacyEventParser.parse(wire, processID: processID) {
        case .failure(let errors):
            return .failure(RowProblems(messages: problems + errors.fields.map { "«\($0.field)»: \($0.message)" }))
        case .success(let parsed):
            let found = parsed.inconsistencies(with: process, catalogs: catalogs)
            guard problems.isEmpty, found.isEmpty else {
                return .failure(RowProblems(messages: problems + found.map { "«\($0.field)»: \($0.message)" }))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let body = (try? String(decoding: encoder.encode(wire), as: UTF8.self)) ?? "{}"
            return .success(
                (
                    RegistrationEvent(
                        id: parsed.id, processID: processID, kind: parsed.storedKind, candidacyID: parsed.candidacyID, body: body, source: .csv), repairs
                ))
        }
    }

    /// Stores `events` with their ingest jobs in one transaction (a failure leaves nothing
    /// half imported), a batch at a time.
    func store(
        _ events: [(Int, RegistrationEvent)], into summary: inout Summary, total: Int,
        progress: @Sendable (Int, Int) -> Void
    ) async throws {
        let repository = RegistrationEventRepository(client: client, logger: logger)
        let jobs = self.jobs, batchSize = self.batchSize, already = summary.duplicates
        let stored = try await client.withTransaction(logger: logger) { tx in
            var stored = 0
            for start in stride(from: 0, to: events.count, by: batchSize) {
                var newJobs: [NewJob] = []
                for (_, event) in events[start..<min(start + batchSize, events.count)] {
                    // A twin stored meanwhile by another import is recognized and has no second effect.
                    if case .recorded = try await repository.record(event, on: tx) {
                        newJobs.append(try NewJob(IngestJob(eventID: event.id)))
                        stored += 1
                    }
                }
                try await jobs.insertMany(newJobs, on: tx)
                progress(already + min(start + batchSize, events.count), total)
            }
            return stored
        }
        summary.stored = stored
        summary.duplicates += events.count - stored
    }

    /// Why one row can't be imported.
    struct RowProblems: Error {
        let messages: [String]
    }

    /// The file as a whole can't be imported.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

extension CandidacyEvent {
    /// The stored event's kind.
    public var storedKind: RegistrationEvent.Kind {
        switch kind {
        case .approved: .approval
        case .updated: .update
        case .substituted: .substitution
        case .cancelled: .cancellation
        }
    }
}
