import Foundation
import Hummingbird
import NIOCore
import Storage

/// Serves anonymous GETs (and HEADs, and conditional requests) of the public pages from
/// `PageCache`. A response is kept only when it can be the same for every visitor: no
/// signed-in user, a 200 without `Set-Cookie`, and no read of this visitor's CSRF token while
/// it was made (no form). Runs inside the CSRF and session middleware (their per-visitor
/// cookies are added outside the cache).
///
/// Pages are keyed by their canonical URL: the path and only the query parameters its route
/// reads (`parameters`), in the order given; anything else (`?r=<random>`, tracking tags) is
/// ignored, so junk parameters neither miss the cache nor fill it. A conditional request
/// whose validators match the cached page is answered 304 from the cache; HEAD gets the
/// cached headers without a body.
struct PageCacheMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    /// Paths served from the cache: exact paths and prefixes ending in "/", from the
    /// public pages marked `cached` in `PublicPages`.
    static let cachedPaths: [String] = PublicPages.all.filter(\.cached).map(\.cachePattern).reduce(into: []) { paths, path in
        if !paths.contains(path) { paths.append(path) }
    }

    /// The query parameters each cached path's handler reads (`PublicPage.query`; any other
    /// path reads none). A page that starts reading a parameter must list it there, or every
    /// value of it would get the first one's page (`PageCacheTests` checks each one that exists).
    static let parameters: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: PublicPages.all.filter { $0.cached && !$0.query.isEmpty }.map { ($0.path, Set($0.query)) })

    let context: WebContext
    let cache: PageCache

    static func isCached(_ path: String) -> Bool {
        cachedPaths.contains { $0.hasSuffix("/") && $0 != "/" ? path.hasPrefix($0) : path == $0 }
    }

    /// `path?query` with only the parameters the path's route reads, in their given order
    /// (repeated ones kept: the comparison reads every `id`); no `?` when none is left.
    static func canonicalTarget(path: String, query: String?) -> String {
        guard let query, !query.isEmpty, let known = parameters[path] else { return path }
        let kept = query.split(separator: "&").filter { pair in
            let name = pair.prefix { $0 != "=" }
            // Most names need no decoding (Foundation's decoding is most of a junk hit's cost).
            guard name.contains(where: { $0 == "%" || $0 == "+" }) else { return known.contains(String(name)) }
            let spaced = String(name).replacingOccurrences(of: "+", with: " ")
            return known.contains(spaced.removingPercentEncoding ?? spaced)
        }
        return kept.isEmpty ? path : path + "?" + kept.joined(separator: "&")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isHead = request.method == .head
        guard request.method == .get || isHead, context.user == nil, Self.isCached(request.uri.path) else {
            return try await next(request, context)
        }
        let conditional = request.headers[.ifNoneMatch] != nil || request.headers[.ifModifiedSince] != nil
        var (version, check) = cache.versionForRequest()
        if check {
            do {
                let current =
                    try await PublicationRepository(client: self.context.publicReads, logger: context.logger)
                    .current(processID: self.context.process.id)?.version ?? 0
                cache.switchTo(current)
                version = current
            } catch {
                cache.checkFailed()
                throw error
            }
        }
        guard let version else { return try await next(request, context) }
        let key = PageCache.Key(
            version: version, target: Self.canonicalTarget(path: request.uri.path, query: request.uri.query),
            gzip: CompressionMiddleware<Context>.acceptsGzip(request.headers[.acceptEncoding]))
        if let page = cache.page(key) {
            if conditional, Self.notModified(request.headers, page.headers) {
                var headers = page.headers
                headers[.contentLength] = nil
                headers[.contentEncoding] = nil
                return Response(status: .notModified, headers: headers)
            }
            if isHead {
                var headers = page.headers
                headers[.contentLength] = String(page.body.readableBytes)
                return Response(status: .ok, headers: headers)
            }
            if context.pageCacheInFront {
                // Kept here before the front knew the version (the first requests after a
                // start): handed over to `PageCacheResponder`, which keeps it from now on.
                cache.remove(key)
                var headers = page.headers
                headers[PageCacheResponder<RouterResponder<Context>>.storeMarker] = "1"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.body))
            }
            return Response(status: .ok, headers: page.headers, body: .init(byteBuffer: page.body))
        }
        // A miss: conditional requests and HEADs are answered by the handlers (a 304 or an
        // empty body is nothing to keep).
        let response = try await next(request, context)
        guard !conditional, !isHead, response.status == .ok, response.headers[.setCookie] == nil else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let body = collector.buffer
        // A page that read this visitor's token (a form) is theirs alone.
        var headers = response.headers
        if context.csrfSlot?.wasRead != true {
            // Behind `PageCacheResponder` the page is kept there, as the whole chain sends it.
            if context.pageCacheInFront {
                headers[PageCacheResponder<RouterResponder<Context>>.storeMarker] = "1"
            } else {
                cache.store(PageCache.Page(headers: headers, body: body), for: key)
            }
        }
        return Response(status: response.status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Whether the client's copy is the cached page: its validators, compared as
    /// `PublicCacheMiddleware` compares them.
    static func notModified(_ request: HTTPFields, _ cached: HTTPFields) -> Bool {
        guard let etag = cached[.eTag].map({ $0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0 }),
            let modified = cached[.lastModified].flatMap(PublicCacheMiddleware.parseHTTPDate)
        else { return false }
        return PublicCacheMiddleware.notModified(request, etag: etag, lastModified: Date(timeIntervalSince1970: modified))
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
