import Foundation
import Hummingbird
import NIOCore
import Storage

/// Serves anonymous GETs of the public pages from `PageCache`. A response is kept only when
/// it can be the same for every visitor: no signed-in user, a 200 without `Set-Cookie`, and
/// no read of this visitor's CSRF token while it was made (no form). Runs inside the CSRF and session middleware
/// (their per-visitor cookies are added outside the cache). Conditional requests pass
/// through, so ETag/304 handling keeps working.
struct PageCacheMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    /// Paths served from the cache: exact paths and prefixes ending in "/". Add a public
    /// page's path here to cache it.
    static let cachedPaths: [String] = [
        "/", "/candidaturas-publicas", "/cumplimiento", "/datos-abiertos", "/datos-abiertos/", "/perfil/", "/api/v1/publico/",
        "/estadisticas", "/comparar", "/mi-boleta",
    ]

    let context: WebContext
    let cache: PageCache

    static func isCached(_ path: String) -> Bool {
        cachedPaths.contains { $0.hasSuffix("/") && $0 != "/" ? path.hasPrefix($0) : path == $0 }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, context.user == nil, Self.isCached(request.uri.path),
              request.headers[.ifNoneMatch] == nil, request.headers[.ifModifiedSince] == nil else {
            return try await next(request, context)
        }
        var (version, check) = cache.versionForRequest()
        if check {
            do {
                let current = try await PublicationRepository(client: self.context.database.client, logger: context.logger)
                    .current(processID: self.context.process.id)?.version ?? 0
                cache.switchTo(current)
                version = current
            } catch {
                cache.checkFailed()
                throw error
            }
        }
        guard let version else { return try await next(request, context) }
        let key = PageCache.Key(version: version, target: request.uri.description,
                                gzip: request.headers[.acceptEncoding]?.contains("gzip") ?? false)
        if let page = cache.page(key) {
            return Response(status: .ok, headers: page.headers, body: .init(byteBuffer: page.body))
        }
        let response = try await next(request, context)
        guard response.status == .ok, response.headers[.setCookie] == nil else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let body = collector.buffer
        // A page that read this visitor's token (a form) is theirs alone.
        if context.csrfSlot?.wasRead != true {
            cache.store(PageCache.Page(headers: response.headers, body: body), for: key)
        }
        return Response(status: response.status, headers: response.headers, body: .init(byteBuffer: body))
    }
}

/// Collects a response body in memory (cached and exported pages are a few kilobytes).
final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var copy = buffer
        self.buffer.writeBuffer(&copy)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
