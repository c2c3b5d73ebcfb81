import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import JobQueue
import NIOCore
import Storage

/// `POST /api/v1/events`: the registration system's signed events (docs/openapi.yaml).
/// Stored with their ingest job in one transaction and answered 202; the same id and body
/// again: 200 and no second effect; the same id with another body: 409.
struct EventsController {
    let context: WebContext
    /// Largest body accepted, checked while reading (default 1 MB).
    static let maxBodyBytes = 1 << 20

    func addRoutes(to router: Router<WebRequestContext>) {
        router.post("/api/v1/events", use: receive)
    }

    struct Receipt: ResponseEncodable {
        let id: String
        let status: String
        let duplicate: Bool
    }

    @Sendable func receive(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            return try problem(.contentTooLarge, "body_too_large", "El cuerpo del evento excede 1 MB.", request, ctx)
        }
        let body = Array(buffer.readableBytesView)
        do {
            try context.eventSignature.verify(
                body: body,
                timestamp: header(request, EventSignature.timestampHeader),
                signature: header(request, EventSignature.signatureHeader))
        } catch {
            ctx.logger.warning("event refused", metadata: ["reason": "\(error.code)"])
            return try problem(.unauthorized, error.code, error.message, request, ctx)
        }
        let wire: CandidacyEventParser.Wire
        do {
            wire = try JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(body))
        } catch DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c) {
            let field = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return try ProblemDetails(
                status: .badRequest, code: "schema_violation", title: "El evento no cumple el esquema.",
                errors: [EventFieldError(field: field, code: "invalid_type", message: "El campo «\(field)» tiene un tipo de dato incorrecto.")]
            ).response(from: request, context: ctx)
        } catch {
            return try problem(.badRequest, "malformed_json", "El cuerpo no es JSON válido (UTF-8).", request, ctx)
        }
        if Self.containsNUL(body) {
            return try problem(.badRequest, "nul_character",
                               "El evento contiene el carácter nulo (U+0000), que no se admite en ningún campo.", request, ctx)
        }
        let event: CandidacyEvent
        switch CandidacyEventParser.parse(wire, processID: context.process.id) {
        case .failure(let errors):
            return try ProblemDetails(
                status: .badRequest, code: "schema_violation", title: "El evento no cumple el esquema.", errors: errors.fields
            ).response(from: request, context: ctx)
        case .success(let parsed):
            event = parsed
        }
        let text = String(decoding: body, as: UTF8.self)
        let repository = RegistrationEventRepository(client: context.database.client, logger: ctx.logger)
        let stored = RegistrationEvent(
            id: event.id, processID: context.process.id, kind: event.storedKind, candidacyID: event.candidacyID, body: text,
            source: .api, signature: header(request, EventSignature.signatureHeader),
            signedAt: header(request, EventSignature.timestampHeader).flatMap(Double.init).map(Date.init(timeIntervalSince1970:)))
        let jobs = context.jobs
        let outcome = try await context.database.client.withTransaction(logger: ctx.logger) { tx in
            let outcome = try await repository.record(stored, on: tx)
            if case .recorded = outcome {
                try await jobs.insertMany([try NewJob(kind: IngestJob.kind, args: IngestJob(eventID: event.id))], on: tx)
            }
            return outcome
        }
        switch outcome {
        case .recorded:
            ctx.logger.info("event accepted", metadata: ["event_id": "\(event.id)", "event_type": "\(event.kind.rawValue)"])
            return try Receipt(id: event.id, status: "pending", duplicate: false).response(from: request, context: ctx)
                .withStatus(.accepted)
        case .duplicate(let status):
            guard try await repository.hasSameBody(id: event.id, body: text) == true else {
                return try problem(.conflict, "event_id_conflict",
                                   "El id «\(event.id)» ya se recibió con otro contenido; use un id nuevo para otro evento.", request, ctx)
            }
            return try Receipt(id: event.id, status: status.rawValue, duplicate: true).response(from: request, context: ctx)
        }
    }

    /// Whether a JSON body holds U+0000, raw or as the escape `\u0000` (a backslash that is not
    /// itself escaped). PostgreSQL's `jsonb` and `text` refuse it: stored as it is, the event
    /// would fail with a 500 instead of a 400 that tells the sender what to fix.
    static func containsNUL(_ body: [UInt8]) -> Bool {
        var index = 0
        var backslashes = 0
        while index < body.count {
            let byte = body[index]
            if byte == 0 { return true }
            if byte == UInt8(ascii: "u"), backslashes % 2 == 1, index + 4 < body.count,
               body[(index + 1)...(index + 4)].elementsEqual(Array("0000".utf8)) {
                return true
            }
            backslashes = byte == UInt8(ascii: "\\") ? backslashes + 1 : 0
            index += 1
        }
        return false
    }

    /// A request header by name, case-insensitively.
    func header(_ request: Request, _ name: String) -> String? {
        let lowered = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lowered }?.value
    }

    func problem(_ status: HTTPResponse.Status, _ code: String, _ title: String, _ request: Request, _ ctx: WebRequestContext) throws -> Response {
        try ProblemDetails(status: status, code: code, title: title).response(from: request, context: ctx)
    }
}

extension Response {
    func withStatus(_ status: HTTPResponse.Status) -> Response {
        var copy = self
        copy.status = status
        return copy
    }
}
