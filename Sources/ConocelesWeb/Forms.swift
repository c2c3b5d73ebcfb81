import Foundation
import Hummingbird

/// URL-encoded HTML forms. The CSRF middleware has already collected a bounded body.
enum Forms {
    /// Decodes the form body into `type`; a malformed body (or one holding U+0000) decodes as
    /// an empty form would not: it is refused with a Spanish 400.
    static func decode<Form: Decodable>(_ type: Form.Type, from request: Request, limit: Int = CSRFMiddleware.maximumFormBytes) async throws -> Form {
        try decode(type, body: try await body(of: request, limit: limit))
    }

    /// The form body as text (already collected and bounded by the CSRF middleware).
    static func body(of request: Request, limit: Int = CSRFMiddleware.maximumFormBytes) async throws -> String {
        String(buffer: try await request.body.collect(upTo: limit))
    }

    /// Decodes the URL-encoded `text` into `type` (a 400 for a malformed body or U+0000).
    static func decode<Form: Decodable>(_ type: Form.Type, body text: String) throws -> Form {
        // U+0000 would reach PostgreSQL, which refuses it in text: a 500 instead of this 400.
        guard !NULRefusalMiddleware.holdsNUL(text) else { throw WebError.invalidForm }
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: text)
        } catch {
            throw WebError.invalidForm
        }
    }
}
