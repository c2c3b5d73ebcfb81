import ConocelesCore
import Foundation
import Hummingbird
import JobQueue
import NIOCore
import Storage

/// `POST /api/v1/events`: the registration system's signed events (docs/openapi.yaml).
/// Stored with their ingest job in one transaction, shared with the concurrent requests
/// (``EventIntake``, a group commit), and answered 202 once it committed; the same id and body
/// again: 200 and no second effect; the same id with another body: 409.
struct EventsController {
    let context: WebContext
    let intake: EventIntake

    init(context: WebContext) {
        self.context = context
        self.intake = EventIntake(client: context.database.client, jobs: context.jobs, logger: context.database.logger)
    }
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
        if Self.containsUnstorableCharacter(body) {
            return try problem(
                .badRequest, "invalid_character",
                "El evento contiene el carácter nulo (U+0000) o medio par sustituto UTF-16 (\\uD800–\\uDFFF sin su pareja); ningún campo los admite.",
                request, ctx)
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
        let outcome = try await intake.record(stored)
        switch outcome {
        case .recorded:
            ctx.logger.info("event accepted", metadata: ["event_id": "\(event.id)", "event_type": "\(event.kind.rawValue)"])
            return try Receipt(id: event.id, status: "pending", duplicate: false).response(from: request, context: ctx)
                .withStatus(.accepted)
        case .duplicate(let status):
            guard try await repository.hasSameBody(id: event.id, body: text) == true else {
                return try problem(
                    .conflict, "event_id_conflict",
                    "El id «\(event.id)» ya se recibió con otro contenido; use un id nuevo para otro evento.", request, ctx)
            }
            return try Receipt(id: event.id, status: status.rawValue, duplicate: true).response(from: request, context: ctx)
        }
    }

    /// Whether a JSON body holds a character PostgreSQL's `jsonb` refuses: U+0000, raw or as
    /// the escape `\u0000`, or a `\u` escape of half a surrogate pair. Stored as it is, such an
    /// event failed with a 500 instead of a 400 that tells the sender what to fix. Escapes
    /// only occur inside JSON strings, so the scan needs no parser: a `\u` counts when its
    /// backslash is not itself escaped.
    static func containsUnstorableCharacter(_ body: [UInt8]) -> Bool {
        var index = 0
        var pendingHighSurrogate = false
        while index < body.count {
            let byte = body[index]
            if byte == 0 { return true }
            guard byte == UInt8(ascii: "\\"), index + 1 < body.count else {
                if pendingHighSurrogate { return true }
                index += 1
                continue
            }
            guard body[index + 1] == UInt8(ascii: "u") else {
                if pendingHighSurrogate { return true }
                index += 2  // \\, \" and the others: the escaped character is skipped with its backslash
                continue
            }
            guard index + 6 <= body.count, let value = UInt16(String(decoding: body[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16)
            else { return false }  // not an escape JSON accepts: the decoder has refused it already
            switch value {
            case 0: return true
            case 0xD800...0xDBFF:
                if pendingHighSurrogate { return true }
                pendingHighSurrogate = true
            case 0xDC00...0xDFFF:
                if !pendingHighSurrogate { return true }
                pendingHighSurrogate = false
            default:
                if pendingHighSurrogate { return true }
            }
            index += 6
        }
        return pendingHighSurrogate
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
