import ConocelesCore
import Hummingbird
import NIOCore

/// A complete HTML page in Spanish, with the site's layout. Every piece of text that comes
/// from data goes through `escape`.
struct HTMLPage: ResponseGenerator {
    var title: String
    var body: String
    var status: HTTPResponse.Status = .ok

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="es-MX">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title)) · Conóceles</title>
            </head>
            <body>
            <header><p><a href="/">Candidatas y Candidatos, Conóceles</a></p></header>
            <main id="contenido">
            \(body)
            </main>
            </body>
            </html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Escapes text for HTML element content and attribute values.
    static func escape(_ text: String) -> String { text.htmlEscaped }
}
