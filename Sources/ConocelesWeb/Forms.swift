import Foundation
import Hummingbird

/// URL-encoded HTML forms. The CSRF middleware has already collected a bounded body.
enum Forms {
    /// Decodes the form body into `type`; a malformed body decodes as an empty form would not:
    /// it is refused with a Spanish 400.
    static func decode<Form: Decodable>(_ type: Form.Type, from request: Request, limit: Int = CSRFMiddleware.maximumFormBytes) async throws -> Form {
        let body = try await request.body.collect(upTo: limit)
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        } catch {
            throw WebError.invalidForm
        }
    }
}
