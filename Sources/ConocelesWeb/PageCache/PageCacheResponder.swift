import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The page cache's front door, outside the router and its middleware: an anonymous GET or
/// HEAD of a cached public page whose response is in `PageCache` is answered here, from the
/// headers and body exactly as the whole chain sent them the first time (security headers,
/// validators, `Vary`, and for gzip clients the compressed body), with no middleware, no
/// request deadline task, no header building and no compression per request. What a hit
/// still does: look up the key (the canonical URL of `PageCacheMiddleware`), answer a
/// conditional request 304 and a HEAD without a body, and give the answer its `X-Request-Id`.
/// Hits are logged at debug level only (one line per request at info cost a fifth of a hit)
/// and counted in `PageCache.statistics`.
///
/// Everything else goes through `inner` unchanged: signed-in browsers (a session cookie),
/// other paths and methods, and misses. The version is checked here, by one request at a time,
/// every `PageCache.checkInterval` (and at once on NOTIFY, `PublicationWatcher`). A miss whose page `PageCacheMiddleware` found to be the
/// same for everyone (it marks the response with `storeMarker`) is kept here as sent.
public struct PageCacheResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == WebRequestContext {
    public typealias Context = WebRequestContext

    let inner: Inner
    /// Nil: every request goes to `inner` (no page cache configured).
    let cache: PageCache?
    /// The current snapshot version, asked when the cache's is due for a check (one request
    /// at a time asks; the others keep the known version meanwhile, as `PageCacheMiddleware` does).
    let currentVersion: @Sendable () async throws -> Int64

    public init(_ inner: Inner, cache: PageCache?, currentVersion: @escaping @Sendable () async throws -> Int64) {
        self.inner = inner
        self.cache = cache
        self.currentVersion = currentVersion
    }

    /// Set by `PageCacheMiddleware` on a response this responder may keep; never sent.
    static var storeMarker: HTTPField.Name { HTTPField.Name("X-Conoceles-Page-Cache")! }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard let cache, Self.isEligible(request) else { return try await inner.respond(to: request, context: context) }
        var (version, check) = cache.versionForRequest()
        if check {
            do {
                let current = try await currentVersion()
                cache.switchTo(current)
                version = current
            } catch {
                cache.checkFailed()
                return try await inner.respond(to: request, context: context)  // the router answers (and reports) it
            }
        }
        guard let version else { return try await inner.respond(to: request, context: context) }
        let key = Self.key(of: request, version: version)
        if let page = cache.page(key) {
            let id = RequestLogMiddleware.requestID(request.headers[RequestLogMiddleware.header])
            if context.logger.logLevel <= .debug {
                context.logger.debug(
                    "request",
                    metadata: [
                        "hb.request.path": .string(RequestLogMiddleware.redacted(request.uri.description)),
                        "hb.request.method": .string(request.method.rawValue), "status": "page cache", "request_id": .string(id),
                    ])
            }
            return Self.answer(request, from: page, requestID: id)
        }
        var context = context
        context.pageCacheInFront = true
        let response = try await inner.respond(to: request, context: context)
        guard response.headers[Self.storeMarker] != nil else { return response }
        var headers = response.headers
        headers[Self.storeMarker] = nil
        guard request.method == .get, response.status == .ok, headers[.setCookie] == nil else {
            return Response(status: response.status, headers: headers, body: response.body)
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        var kept = headers
        kept[RequestLogMiddleware.header] = nil
        kept[.contentLength] = String(collector.buffer.readableBytes)
        cache.store(PageCache.Page(headers: kept, body: collector.buffer), for: key)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: collector.buffer))
    }

    /// Whether `request` may be answered here: an anonymous GET or HEAD (no session cookie) of
    /// a cached path, without `%00` (refused by `NULRefusalMiddleware`).
    static func isEligible(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head, PageCacheMiddleware.isCached(request.uri.path) else { return false }
        if let cookies = request.headers[.cookie], cookies.contains(SessionMiddleware.cookieName) { return false }
        return !NULRefusalMiddleware.holdsNUL(request.uri.description)
    }

    /// The front key of `request` in snapshot `version`: its canonical URL and representation.
    static func key(of request: Request, version: Int64) -> PageCache.Key {
        PageCache.Key(
            version: version, target: PageCacheMiddleware.canonicalTarget(path: request.uri.path, query: request.uri.query),
            gzip: CompressionMiddleware<Context>.acceptsGzip(request.headers[.acceptEncoding]), front: true)
    }

    /// The cached answer to `request`: 304 when its validators match, the headers alone for a
    /// HEAD, else the page.
    static func answer(_ request: Request, from page: PageCache.Page, requestID: String) -> Response {
        var headers = page.headers
        headers[RequestLogMiddleware.header] = requestID
        if request.headers[.ifNoneMatch] != nil || request.headers[.ifModifiedSince] != nil,
            PageCacheMiddleware.notModified(request.headers, page.headers)
        {
            headers[.contentEncoding] = nil
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.body))
    }
}
