import ConocelesCore
import Foundation
import Hummingbird
import NIOCore

/// An API error as RFC 9457 problem details (`application/problem+json`): a Spanish title
/// and detail for people, a stable English `code` for programs, and the field errors.
struct ProblemDetails: ResponseGenerator, Encodable {
    let status: Int
    let code: String
    let title: String
    let detail: String?
    let errors: [EventFieldError]?

    init(status: HTTPResponse.Status, code: String, title: String, detail: String? = nil, errors: [EventFieldError]? = nil) {
        self.status = status.code
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    var type: String { "https://conoceles.mx/problemas/\(code)" }

    enum CodingKeys: String, CodingKey { case type, status, code, title, detail, errors }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(status, forKey: .status)
        try c.encode(code, forKey: .code)
        try c.encode(title, forKey: .title)
        try c.encodeIfPresent(detail, forKey: .detail)
        try c.encodeIfPresent(errors, forKey: .errors)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json; charset=utf-8"
        return Response(
            status: .init(code: status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(self))))
    }
}
