import CompressNIO
import Hummingbird
import NIOCore

/// gzip for text responses (HTML, CSS, JavaScript, JSON, CSV, SVG, plain text) of at least
/// `minimumSize` bytes when the client sends `Accept-Encoding: gzip`; every such response
/// type carries `Vary: Accept-Encoding`, compressed or not. A compressed response's strong
/// ETag becomes weak (`W/…`): the bytes differ from the identity representation's.
///
/// Bodies are collected whole before compressing: the site's pages and files are built in
/// memory already, and a known `Content-Length` lets clients show progress.
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Smaller bodies are sent as they are: the gzip header and a round of deflate cost more
    /// than they save (default 1 KiB).
    static var minimumSize: Int { 1_024 }

    /// Media types worth compressing (images and PDFs are compressed already).
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return type.hasPrefix("text/") || type == "application/json" || type == "application/javascript"
            || type == "image/svg+xml" || type.hasSuffix("+json") || type == "application/yaml"
    }

    /// Whether `Accept-Encoding` accepts gzip (any q other than 0).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == "gzip" || parts.first == "x-gzip" || parts.first == "*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
            return (quality ?? 1) > 0
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // A client revalidating a compressed copy sends back the weak tag this middleware made:
        // the handlers compare the tag they know.
        var request = request
        if let match = request.headers[.ifNoneMatch], match.contains("W/") {
            var head = request.head
            head.headerFields[.ifNoneMatch] = match.replacingOccurrences(of: "W/", with: "")
            request = Request(head: head, body: request.body)
        }
        var response = try await next(request, context)
        guard Self.isCompressible(response.headers[.contentType]) else { return response }
        response.headers[.vary] =
            response.headers[.vary].map { $0.lowercased().contains("accept-encoding") ? $0 : "\($0), Accept-Encoding" }
            ?? "Accept-Encoding"
        guard request.method != .head, response.status == .ok, response.headers[.contentEncoding] == nil,
            response.headers[.contentRange] == nil, Self.acceptsGzip(request.headers[.acceptEncoding]),
            (response.body.contentLength ?? Self.minimumSize) >= Self.minimumSize
        else { return response }

        let collector = BodyCollector()
        try await response.body.write(collector)
        var body = collector.buffer
        guard body.readableBytes >= Self.minimumSize else {
            response.body = ResponseBody(byteBuffer: body)
            return response
        }
        let compressed = try body.compress(with: .gzip)
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        if let etag = response.headers[.eTag], !etag.hasPrefix("W/") { response.headers[.eTag] = "W/\(etag)" }
        response.body = ResponseBody(byteBuffer: compressed)
        return response
    }
}
