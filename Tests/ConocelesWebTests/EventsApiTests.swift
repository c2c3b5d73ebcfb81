import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import NIOCore
import Storage
import Testing
import TestSupport

@Suite("POST /api/v1/events")
struct EventsApiTests {
    static func approval(id: String = "evt-1", candidacy: String = "C-1", name: String = "Ana Pérez") -> String {
        """
        {"id": "\(id)", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
         "candidacy": {"id": "\(candidacy)", "office": "PM", "municipality": "039", "formula_position": "propietario",
                       "full_name": "\(name)", "gender": "mujer", "birth_date": "1985-01-31",
                       "postulated_by_type": "partido", "postulated_by": "MC", "email": "ana@example.mx"}}
        """
    }

    /// Runs `body` with a router client on a migrated database where Jalisco's process is registered.
    func withAPI(_ body: @Sendable @escaping (any TestClientProtocol, Database) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in try await body(client, db) }
        }
    }

    func post(
        _ client: any TestClientProtocol, _ json: String, timestamp: Int = Int(Date().timeIntervalSince1970),
        signature: String? = nil, _ check: @escaping @Sendable (TestResponse) throws -> Void
    ) async throws {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("X-Conoceles-Timestamp")!] = String(timestamp)
        headers[HTTPField.Name("X-Conoceles-Signature")!] =
            signature ?? EventSignature(secret: testEventSecret).sign(body: Array(json.utf8), timestamp: timestamp)
        try await client.execute(uri: "/api/v1/events", method: .post, headers: headers, body: ByteBuffer(string: json)) {
            try check($0)
        }
    }

    func counts(_ db: Database) async throws -> (events: Int, jobs: Int) {
        var e = 0, j = 0
        for try await n in try await db.client.query("SELECT count(*)::int FROM registration_events").decode(Int.self) { e = n }
        for try await n in try await db.client.query("SELECT count(*)::int FROM jobs WHERE kind = 'registration.ingest'").decode(Int.self) { j = n }
        return (e, j)
    }

    @Test func acceptsOnceAndRecognizesTheDuplicate() async throws {
        try await withAPI { client, db in
            try await post(client, Self.approval()) { r in
                #expect(r.status == .accepted)
                #expect(String(buffer: r.body).contains(#""duplicate":false"#))
            }
            // The same event again, with its keys in another order and other white space.
            let reordered = Self.approval().replacingOccurrences(
                of: #""id": "evt-1", "type": "candidacy.approved""#,
                with: #""type":"candidacy.approved","id":"evt-1""#)
            try await post(client, reordered) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains(#""duplicate":true"#))
            }
            #expect(try await counts(db) == (1, 1))
            try await JobTesting.assertEnqueued(db, kind: IngestJob.kind, args: IngestJob.self) { $0.eventID == "evt-1" }
            try await post(client, Self.approval(name: "Otra Persona")) { r in
                #expect(r.status == .conflict)
                #expect(r.headers[.contentType] == "application/problem+json; charset=utf-8")
                #expect(String(buffer: r.body).contains(#""code":"event_id_conflict""#))
            }
            #expect(try await counts(db) == (1, 1))
        }
    }

    @Test func badSignaturesAre401AndStoreNothing() async throws {
        try await withAPI { client, db in
            let now = Int(Date().timeIntervalSince1970)
            try await post(client, Self.approval(), signature: "sha256=" + String(repeating: "0", count: 64)) { r in
                #expect(r.status == .unauthorized)
                #expect(String(buffer: r.body).contains("signature_invalid"))
            }
            let stale = now - 3_600
            try await post(
                client, Self.approval(), timestamp: stale,
                signature: EventSignature(secret: testEventSecret).sign(body: Array(Self.approval().utf8), timestamp: stale)
            ) { r in
                #expect(r.status == .unauthorized)
                #expect(String(buffer: r.body).contains("signature_stale"))
            }
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: Self.approval())) { r in
                #expect(r.status == .unauthorized)
                #expect(String(buffer: r.body).contains("signature_missing"))
            }
            #expect(try await counts(db) == (0, 0))
        }
    }

    @Test func malformedAndInvalidBodiesAre400WithSpanishDetails() async throws {
        try await withAPI { client, db in
            try await post(client, #"{"id": "x", "#) { r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("malformed_json"))
            }
            try await post(client, #"{"id": 5, "type": "candidacy.approved"}"#) { r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains(#""field":"id""#))
            }
            try await post(client, #"{"id": "e", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z", "candidacy": {"id": "C"}}"#) { r in
                #expect(r.status == .badRequest)
                let text = String(buffer: r.body)
                #expect(text.contains("schema_violation") && text.contains("candidacy.full_name") && text.contains("Falta el nombre completo."))
            }
            try await post(client, "\u{0}\u{1}\u{FFFF}") { r in #expect(r.status == .badRequest) }
            let huge = #"{"id": "big", "pad": ""# + String(repeating: "a", count: 1_100_000) + #""}"#
            try await post(client, huge) { r in #expect(r.status == .contentTooLarge) }
            #expect(try await counts(db) == (0, 0))
        }
    }
}
