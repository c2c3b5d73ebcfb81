import ConocelesConfig
import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import Mail
import Storage
import Testing
import TestSupport

/// Approvals, substitutions and cancellations arrive through the signed API in any order;
/// whatever the order, the registration ends in the same state: events about a candidacy not
/// yet known are held and released when it appears (by its approval or as a substitute), in
/// the transaction that creates it. And substitutions that can't be right are refused.
@Suite("Registration: every arrival order ends in the same state")
struct RegistrationOrderTests {
    /// One chain's events: A approved, A→B, B→C (when `length` is 3), and optionally the
    /// last candidacy cancelled.
    static func chain(_ prefix: String, length: Int, cancelLast: Bool) -> [(id: String, json: String)] {
        let names = ["A", "B", "C"].prefix(length).map { "\(prefix)-\($0)" }
        var events: [(String, String)] = [("\(prefix)-e-approve", approval(event: "\(prefix)-e-approve", candidacy: names[0]))]
        for index in 1..<names.count {
            let id = "\(prefix)-e-sub\(index)"
            events.append((id, substitution(event: id, replaced: names[index - 1], substitute: names[index])))
        }
        if cancelLast {
            let id = "\(prefix)-e-cancel"
            events.append((id, cancellation(event: id, candidacy: names.last!)))
        }
        return events
    }

    static func person(_ candidacy: String) -> String {
        """
        {"id": "\(candidacy)", "office": "PM", "municipality": "039", "formula_position": "propietario",
         "full_name": "Persona \(candidacy)", "gender": "mujer", "birth_date": "1985-01-31",
         "postulated_by_type": "partido", "postulated_by": "MC", "email": "persona@example.mx"}
        """
    }

    static func approval(event: String, candidacy: String) -> String {
        #"{"id": "\#(event)", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z", "candidacy": \#(person(candidacy))}"#
    }

    static func substitution(event: String, replaced: String, substitute: String) -> String {
        #"{"id": "\#(event)", "type": "candidacy.substituted", "occurred_at": "2024-03-06T18:00:00Z", "replaces_candidacy_id": "\#(replaced)", "candidacy": \#(person(substitute))}"#
    }

    static func cancellation(event: String, candidacy: String) -> String {
        #"{"id": "\#(event)", "type": "candidacy.cancelled", "occurred_at": "2024-03-07T18:00:00Z", "candidacy_id": "\#(candidacy)"}"#
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index -> [[T]] in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    /// Runs `body` with the API, a worker environment and a function that posts one event
    /// and then runs every registration job it leads to (the queue's order: oldest first).
    func withRegistration(_ body: @Sendable @escaping (_ deliver: @Sendable (String) async throws -> Void, Database) async throws -> Void) async throws {
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config")
        let configuration = try await AppConfiguration.load(
            file: "\(repositoryRoot)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
            ])
        try await EventsApiTests().withAPI { client, db in
            let jobs = JobClient(client: db.client, logger: TestDatabase.logger)
            let definitions = try PipelineDefinition.loadAll(directory: "\(repositoryRoot)/pipelines", knownKinds: WorkerRegistry.kinds)
            let environment = try JobEnvironment(
                client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: InMemoryMailTransport(),
                pipelines: PipelineEngine(definitions: definitions, jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
            let worker = RegistrationIngestWorker(environment: environment)
            try await body(
                { json in
                    try await EventsApiTests().post(client, json) { #expect($0.status == .accepted) }
                    while let job = try await JobTesting.enqueued(db, kind: RegistrationIngestWorker.kind).first {
                        try await JobTesting.perform(worker, args: try job.decodeArgs(IngestJob.self))
                        _ = try await jobs.cancel(id: job.id)
                    }
                }, db)
        }
    }

    static func statuses(_ db: Database, _ ids: [String]) async throws -> [String: CandidacyStatus] {
        let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
        var result: [String: CandidacyStatus] = [:]
        for id in ids { result[id] = try await repository.candidacy(id: id)?.status }
        return result
    }

    static func eventStatuses(_ db: Database, _ ids: [String]) async throws -> [RegistrationEvent.Status] {
        let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
        var result: [RegistrationEvent.Status] = []
        for id in ids { result.append(try #require(try await events.event(id: id)).status) }
        return result
    }

    @Test(arguments: [(2, false), (2, true), (3, false), (3, true)])
    func everyOrderOfAChainEndsInTheSameState(length: Int, cancelLast: Bool) async throws {
        try await withRegistration { deliver, db in
            let template = Self.chain("X", length: length, cancelLast: cancelLast)
            for (number, order) in Self.permutations(Array(template.indices)).enumerated() {
                let prefix = "P\(number)"
                let events = Self.chain(prefix, length: length, cancelLast: cancelLast)
                for index in order { try await deliver(events[index].json) }
                let names = ["A", "B", "C"].prefix(length).map { "\(prefix)-\($0)" }
                var expected: [String: CandidacyStatus] = [:]
                for name in names.dropLast() { expected[name] = .substituted }
                expected[names.last!] = cancelLast ? .cancelled : .approved
                #expect(try await Self.statuses(db, names) == expected, "order \(order)")
                #expect(try await Self.eventStatuses(db, events.map(\.id)).allSatisfy { $0 == .applied }, "order \(order): an event left held")
            }
        }
    }

    @Test func aCandidacyCannotReplaceItselfNorBeReplacedTwice() async throws {
        try await withRegistration { deliver, db in
            try await deliver(Self.approval(event: "e-1", candidacy: "S-A"))
            try await deliver(Self.substitution(event: "e-self", replaced: "S-A", substitute: "S-A"))
            let events = RegistrationEventRepository(client: db.client, logger: TestDatabase.logger)
            let selfReplacement = try #require(try await events.event(id: "e-self"))
            #expect(selfReplacement.status == .rejected)
            #expect(selfReplacement.statusReason?.contains("no puede sustituirse a sí misma") == true)
            #expect(try await Self.statuses(db, ["S-A"]) == ["S-A": .approved])

            try await deliver(Self.substitution(event: "e-2", replaced: "S-A", substitute: "S-B"))
            try await deliver(Self.substitution(event: "e-3", replaced: "S-A", substitute: "S-C"))
            let second = try #require(try await events.event(id: "e-3"))
            #expect(second.status == .rejected)
            #expect(second.statusReason?.contains("no puede sustituirse de nuevo") == true)
            let statuses = try await Self.statuses(db, ["S-A", "S-B", "S-C"])
            #expect(statuses["S-A"] == .substituted && statuses["S-B"] == .approved)
            #expect(statuses["S-C"] == nil, "a second substitute was registered for one position")

            // A cancelled candidacy can't be substituted either.
            try await deliver(Self.approval(event: "e-4", candidacy: "S-D"))
            try await deliver(Self.cancellation(event: "e-5", candidacy: "S-D"))
            try await deliver(Self.substitution(event: "e-6", replaced: "S-D", substitute: "S-E"))
            #expect(try await events.event(id: "e-6")?.status == .rejected)
            #expect(try await Self.statuses(db, ["S-E"])["S-E"] == nil)
        }
    }
}
