import Crypto
import Foundation
import Hummingbird
import Storage

/// HTTP caching of the public pages, files and API, which change only when a new
/// publication snapshot becomes current:
/// - `ETag` = the snapshot's version + a hash of this build's templates and of the request's
///   path and query; `Last-Modified` = when the snapshot became current;
/// - a matching `If-None-Match` (or, without one, an `If-Modified-Since` not older than the
///   switch) answers 304 before the handler runs;
/// - `Cache-Control: public, max-age=60` (`private` on a response that sets a cookie, e.g. the
///   visitor's first CSRF token on a page with a form, so no shared cache hands one token to many).
///
/// A page's menu depends on who is signed in (and holds that session's CSRF token), so a
/// signed-in request gets no validators and keeps the page's `no-store`; anonymous HTML
/// carries `Vary: Cookie`. The API (`/api/`) is the same for everyone and also carries
/// `Access-Control-Allow-Origin: *`, errors included.
struct PublicCacheMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let context: WebContext
    /// Seconds a client or shared cache may reuse a response without asking (default 60).
    static let maxAge = 60
    static let cacheControl = "public, max-age=\(maxAge)"
    static let privateCacheControl = "private, max-age=\(maxAge)"

    func handle(_ request: Request, context ctx: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isAPI = request.uri.path.hasPrefix("/api/")
        guard request.method == .get || request.method == .head, isAPI || ctx.user == nil else {
            var response = try await next(request, ctx)
            if isAPI { response.headers[.accessControlAllowOrigin] = "*" }
            return response
        }
        var headers = HTTPFields()
        if isAPI { headers[.accessControlAllowOrigin] = "*" } else { headers[.vary] = "Cookie" }
        let current = try await PublicationRepository(client: context.publicReads, logger: ctx.logger)
            .currentSwitch(processID: context.process.id)
        if let current {
            // Keyed by the canonical URL (the parameters the route reads), as the page cache is.
            let target = PageCacheMiddleware.canonicalTarget(path: request.uri.path, query: request.uri.query)
            let etag = Self.etag(version: current.version, path: target, query: nil)
            headers[.eTag] = etag
            headers[.lastModified] = Self.httpDate(current.switchedAt)
            headers[.cacheControl] = Self.cacheControl
            if Self.notModified(request.headers, etag: etag, lastModified: current.switchedAt) {
                return Response(status: .notModified, headers: headers)
            }
        }
        var response = try await next(request, ctx)
        if isAPI { response.headers[.accessControlAllowOrigin] = "*" }
        guard response.status == .ok, current != nil else { return response }
        for field in headers { response.headers[field.name] = field.value }
        // A page with a form gives a first visitor a CSRF cookie: never store that in a shared cache.
        if response.headers[.setCookie] != nil { response.headers[.cacheControl] = Self.privateCacheControl }
        return response
    }

    /// Changes with a new template or stylesheet build, so a deploy never serves old markup
    /// under a still-valid tag.
    static let renderRevision: String = {
        var hash = SHA256()
        for name in Templates.names {
            if let url = Bundle.module.resourceURL?.appendingPathComponent("Templates/\(name).mustache"),
                let data = try? Data(contentsOf: url)
            {
                hash.update(data: data)
            }
        }
        return Hex.encode(hash.finalize().prefix(6))
    }()

    /// `"v{version}-{hash}"`, strong: the hash covers the render revision, path and query.
    static func etag(version: Int64, path: String, query: String?) -> String {
        let digest = SHA256.hash(data: Data("\(renderRevision)\n\(path)?\(query ?? "")".utf8))
        return "\"v\(version)-\(Hex.encode(digest.prefix(8)))\""
    }

    /// Whether the client's copy is current: `If-None-Match` lists `etag` (weakly compared:
    /// a gzip response carries it as `W/…`) or is `*`; without one, `If-Modified-Since` is not
    /// older than `lastModified` (whole seconds).
    static func notModified(_ headers: HTTPFields, etag: String, lastModified: Date) -> Bool {
        if let match = headers[.ifNoneMatch] {
            return match.split(separator: ",").contains { tag in
                let trimmed = tag.trimmingCharacters(in: .whitespaces)
                return trimmed == "*" || (trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed) == etag
            }
        }
        if let since = headers[.ifModifiedSince].flatMap(parseHTTPDate) {
            return since >= lastModified.timeIntervalSince1970.rounded(.down)
        }
        return false
    }

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 9110's IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return
            "\(weekdays[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }

    /// Seconds since 1970 of an IMF-fixdate; nil for any other form (then the header is ignored).
    static func parseHTTPDate(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time[2])
        return calendar.date(from: components)?.timeIntervalSince1970
    }
}
