import ConocelesCore
import CSV
import Foundation
import Logging
import JobQueue
import PostgresNIO
import Storage

/// `conoceles import candidacies FILE.csv`: the registration system's events from a CSV
/// batch, one row per event, validated exactly like the API; valid rows are stored with
/// their ingest job (in transactions of `batchSize`), invalid rows are reported with their
/// row number and nothing of theirs is stored.
public struct CandidacyCSVImport: Sendable {
    /// Columns, in Spanish-friendly snake_case; the same names as the API's JSON fields.
    public static let columns = [
        "event_id", "type", "occurred_at", "candidacy_id", "replaces_candidacy_id", "office", "district", "municipality",
        "list_position", "formula_position", "full_name", "gender", "birth_date", "age", "affirmative_action",
        "postulated_by_type", "postulated_by", "email", "phone", "representative_email",
    ]

    /// One row's problems.
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
        public var conflicts: [RowReport] = []
        public var invalid: [RowReport] = []
    }

    let client: PostgresClient
    let processID: String
    let jobs: JobClient
    let batchSize: Int
    let logger: Logger

    public init(client: PostgresClient, processID: String, jobs: JobClient, batchSize: Int = 500, logger: Logger) {
        self.client = client
        self.logger = logger
        self.processID = processID
        self.jobs = jobs
        self.batchSize = batchSize
    }

    /// Reads, validates and stores; `progress(done, total)` is called after each batch.
    public func run(csv text: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw ImportError("El archivo no es un CSV válido: \(error)")
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let unknown = header.filter { !Self.columns.contains($0) }
        guard unknown.isEmpty else {
            throw ImportError("Columnas desconocidas: \(unknown.joined(separator: ", ")). Columnas válidas: \(Self.columns.joined(separator: ", ")).")
        }
        for required in ["event_id", "type", "occurred_at"] where !header.contains(required) {
            throw ImportError("Falta la columna obligatoria «\(required)».")
        }
        var rows: [(Int, [String: String])] = []
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            var values: [String: String] = [:]
            for (index, name) in header.enumerated() where index < row.count {
                let value = row[index].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { values[name] = value }
            }
            rows.append((line, values))
        }
        var summary = Summary()
        summary.rows = rows.count
        var batch: [(Int, RegistrationEvent)] = []
        for (number, values) in rows {
            switch Self.event(from: values, processID: processID) {
            case .failure(let report):
                summary.invalid.append(RowReport(row: number, eventID: values["event_id"], messages: report.messages))
            case .success(let event):
                batch.append((number, event))
                if batch.count == batchSize {
                    try await store(batch, into: &summary)
                    batch.removeAll()
                    progress(summary.stored + summary.duplicates + summary.conflicts.count + summary.invalid.count, rows.count)
                }
            }
        }
        if !batch.isEmpty { try await store(batch, into: &summary) }
        progress(rows.count, rows.count)
        return summary
    }

    /// A row as the API's JSON body, parsed by the same parser.
    static func event(from values: [String: String], processID: String) -> Result<RegistrationEvent, RowProblems> {
        var wire = CandidacyEventParser.Wire()
        wire.id = values["event_id"]
        wire.type = values["type"]
        wire.occurredAt = values["occurred_at"]
        wire.candidacyId = values["candidacy_id"]
        wire.replacesCandidacyId = values["replaces_candidacy_id"]
        var problems: [String] = []
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
            wire.candidacy = c
        }
        switch CandidacyEventParser.parse(wire, processID: processID) {
        case .failure(let errors):
            return .failure(RowProblems(messages: problems + errors.fields.map { "«\($0.field)»: \($0.message)" }))
        case .success(let parsed):
            guard problems.isEmpty else { return .failure(RowProblems(messages: problems)) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let body = (try? String(decoding: encoder.encode(wire), as: UTF8.self)) ?? "{}"
            return .success(RegistrationEvent(
                id: parsed.id, processID: processID, kind: parsed.storedKind, candidacyID: parsed.candidacyID, body: body, source: .csv))
        }
    }

    func store(_ batch: [(Int, RegistrationEvent)], into summary: inout Summary) async throws {
        let repository = RegistrationEventRepository(client: client, logger: logger)
        let jobs = self.jobs
        let outcomes = try await client.withTransaction(logger: logger) { tx in
            var outcomes: [RegistrationEventRepository.RecordOutcome] = []
            var newJobs: [NewJob] = []
            for (_, event) in batch {
                let outcome = try await repository.record(event, on: tx)
                if case .recorded = outcome { newJobs.append(try NewJob(kind: IngestJob.kind, args: IngestJob(eventID: event.id))) }
                outcomes.append(outcome)
            }
            try await jobs.insertMany(newJobs, on: tx)
            return outcomes
        }
        for ((row, event), outcome) in zip(batch, outcomes) {
            switch outcome {
            case .recorded:
                summary.stored += 1
            case .duplicate:
                if try await repository.hasSameBody(id: event.id, body: event.body) == true {
                    summary.duplicates += 1
                } else {
                    summary.conflicts.append(RowReport(row: row, eventID: event.id, messages: [
                        "El evento «\(event.id)» ya se había recibido con otro contenido; no se aplicó."]))
                }
            }
        }
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
