import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// Staff correct a rejected registration event in the system and apply it again (the page
/// `/instancia/eventos-rechazados`): the fields that can make an event inapplicable (office,
/// district, municipality, list position, postulating entity) take the staff member's values;
/// the corrected event is checked exactly as the ingest worker checks it
/// (`CandidacyEventParser.parse`, `CandidacyEvent.inconsistencies`) and refused with the
/// reasons if it still cannot apply; otherwise, in one transaction, its body is replaced, the
/// correction (author, original body, changes) recorded, and `registration.ingest` enqueued.
public struct RejectedEventCorrection: Sendable {
    /// The fields staff may correct: the wire key and its Spanish label.
    public static let fields: [(key: String, label: String)] = [
        ("office", "Cargo (clave)"), ("district", "Distrito"), ("municipality", "Municipio (clave)"),
        ("list_position", "Número de lista"), ("postulated_by_type", "Tipo de postulación (party, coalition, independent…)"),
        ("postulated_by", "Partido, coalición o candidatura (clave)"),
    ]

    let client: PostgresClient
    let process: ElectionProcess
    let catalogs: Catalogs
    let jobs: JobClient
    let logger: Logger

    public init(client: PostgresClient, process: ElectionProcess, catalogs: Catalogs, jobs: JobClient, logger: Logger) {
        self.client = client
        self.process = process
        self.catalogs = catalogs
        self.jobs = jobs
        self.logger = logger
    }

    /// Why a correction was not applied, in Spanish.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let messages: [String]
        public var description: String { messages.joined(separator: " ") }
    }

    /// The current values of the correctable fields of a stored body (empty when absent).
    public static func values(of body: String) -> [String: String] {
        guard let wire = try? JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(body.utf8)), let c = wire.candidacy else {
            return [:]
        }
        return [
            "office": c.office ?? "", "district": c.district.map(String.init) ?? "", "municipality": c.municipality ?? "",
            "list_position": c.listPosition.map(String.init) ?? "", "postulated_by_type": c.postulatedByType ?? "",
            "postulated_by": c.postulatedBy ?? "",
        ]
    }

    /// Applies `edits` (wire key → new value; empty clears the field) to rejected event `id`
    /// and queues it again. Returns the changed fields.
    /// - Throws: ``Refusal`` when nothing changed, a number is not a number, or the corrected
    ///   event still cannot apply; `StorageError` when the event is not rejected (any more).
    @discardableResult
    public func correct(eventID id: String, edits: [String: String], by actor: AuditActor) async throws -> [String: (from: String, to: String)] {
        let events = RegistrationEventRepository(client: client, logger: logger)
        guard let stored = try await events.event(id: id), stored.processID == process.id, stored.status == .rejected else {
            throw StorageError(.notFound, "El evento \(id) no existe o no está rechazado.")
        }
        var wire = try JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(stored.body.utf8))
        var candidacy = wire.candidacy ?? CandidacyEventParser.WireCandidacy()
        let before = Self.values(of: stored.body)
        var changes: [String: (from: String, to: String)] = [:]
        var problems: [String] = []
        for (key, label) in Self.fields {
            guard let raw = edits[key] else { continue }
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard value != (before[key] ?? "") else { continue }
            changes[key] = (before[key] ?? "", value)
            func number() -> Int? {
                if value.isEmpty { return nil }
                guard let n = Int(value) else { problems.append("«\(label)» debe ser un número entero: «\(value)»."); return nil }
                return n
            }
            switch key {
            case "office": candidacy.office = value.isEmpty ? nil : value
            case "district": candidacy.district = number()
            case "municipality": candidacy.municipality = value.isEmpty ? nil : value
            case "list_position": candidacy.listPosition = number()
            case "postulated_by_type": candidacy.postulatedByType = value.isEmpty ? nil : value
            case "postulated_by": candidacy.postulatedBy = value.isEmpty ? nil : value
            default: break
            }
        }
        guard problems.isEmpty else { throw Refusal(messages: problems) }
        guard !changes.isEmpty else { throw Refusal(messages: ["No cambió ningún campo; el evento sigue rechazado."]) }
        wire.candidacy = candidacy
        // The same checks as the ingest worker's.
        switch CandidacyEventParser.parse(wire, processID: process.id) {
        case .failure(let errors):
            throw Refusal(messages: errors.fields.map(\.message))
        case .success(let event):
            let found = event.inconsistencies(with: process, catalogs: catalogs)
            guard found.isEmpty else { throw Refusal(messages: found.map(\.message)) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let corrected = String(decoding: try encoder.encode(wire), as: UTF8.self)
        try await client.withTransaction(logger: logger) { tx in
            try await events.correctRejected(id, expectedBody: stored.body, correctedBody: corrected, changes: changes, by: actor, on: tx)
            _ = try await jobs.insertMany([try NewJob(IngestJob(eventID: id))], on: tx)
        }
        logger.info("rejected registration event corrected", metadata: ["event_id": "\(id)", "fields": "\(changes.keys.sorted())"])
        return changes
    }
}
