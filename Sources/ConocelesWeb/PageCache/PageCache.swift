import Foundation
import HTTPTypes
import NIOCore
import Synchronization

/// Rendered public pages of the current publication snapshot, kept in memory so anonymous
/// visitors are served without a database query or a template render. Keyed by (snapshot
/// version, path and query, compression), emptied when the current version changes
/// (`switchTo(_:)`, called by `PublicationWatcher` on NOTIFY, or by the middleware's own
/// check every `checkInterval`), pages asked only once evicted first past `maximumBytes`.
public final class PageCache: Sendable {
    /// A cached response: status 200, its headers and body.
    struct Page: Sendable {
        let headers: HTTPFields
        let body: ByteBuffer
    }

    struct Key: Hashable, Sendable {
        let version: Int64
        let target: String
        let gzip: Bool
        /// A page as the whole chain sent it (`PageCacheResponder`), not as the router's
        /// `PageCacheMiddleware` made it.
        var front = false
    }

    struct State {
        var version: Int64?
        var checkedAt: ContinuousClock.Instant?
        /// A request is asking the database for the version right now.
        var checking = false
        var pages: [Key: (page: Page, lastUse: UInt64, uses: Int)] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// Bytes of bodies kept at most (default 64 MiB); a page larger than a tenth of it is not kept.
    public let maximumBytes: Int
    /// How long a known version is trusted without asking the database (default 5 s): the
    /// fallback when a NOTIFY is missed.
    public let checkInterval: Duration
    private let state = Mutex(State())

    /// A cache of at most `maximumBytes`, asking the database for the version every `checkInterval`.
    public init(maximumBytes: Int = 64 << 20, checkInterval: Duration = .seconds(5)) {
        self.maximumBytes = maximumBytes
        self.checkInterval = checkInterval
    }

    /// The version a request keys its page by, and whether this request should ask the
    /// database first: when the version is unknown, or older than `checkInterval` and no
    /// other request is asking already (the others keep using the known one meanwhile, so a
    /// check costs one query, not one per request in flight).
    func versionForRequest() -> (version: Int64?, check: Bool) {
        state.withLock { state in
            guard let version = state.version, let checked = state.checkedAt else { return (nil, true) }
            guard ContinuousClock.now - checked >= checkInterval, !state.checking else { return (version, false) }
            state.checking = true
            return (version, true)
        }
    }

    /// A check of the version failed: the next request asks again.
    func checkFailed() {
        state.withLock { $0.checking = false }
    }

    /// Records `version` as the current one (checked now); a different version empties the cache.
    public func switchTo(_ version: Int64) {
        state.withLock { state in
            if state.version != version {
                state.pages.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.version = version
            state.checkedAt = .now
            state.checking = false
        }
    }

    func page(_ key: Key) -> Page? {
        state.withLock { state in
            guard key.version == state.version, var entry = state.pages[key] else {
                state.misses += 1
                return nil
            }
            state.tick += 1
            entry.lastUse = state.tick
            entry.uses += 1
            state.pages[key] = entry
            state.hits += 1
            return entry.page
        }
    }

    func store(_ page: Page, for key: Key) {
        let size = page.body.readableBytes + key.target.utf8.count + 256
        guard size <= maximumBytes / 10 else { return }
        state.withLock { state in
            guard key.version == state.version else { return }  // a switch happened while rendering
            state.tick += 1
            if let old = state.pages.updateValue((page, state.tick, 1), forKey: key) {
                state.bytes -= old.page.body.readableBytes + key.target.utf8.count + 256
            }
            state.bytes += size
            if state.bytes > maximumBytes { Self.evict(&state, downTo: maximumBytes * 3 / 4) }
        }
    }

    /// Drops the page of `key` (handed over to the front responder).
    func remove(_ key: Key) {
        state.withLock { state in
            if let old = state.pages.removeValue(forKey: key) {
                state.bytes -= old.page.body.readableBytes + key.target.utf8.count + 256
            }
        }
    }

    /// Drops pages until `bytes` is at most `target`: first those used only once, least
    /// recently stored first, then the least recently used of the rest (a segmented LRU: a
    /// flood of distinct URLs, each asked once, evicts only its own kind, never the pages
    /// people keep reading). Sorting once per eviction round, which is rare: a quarter of the
    /// budget goes at a time.
    private static func evict(_ state: inout State, downTo target: Int) {
        let order = state.pages.sorted { a, b in
            (a.value.uses > 1 ? 1 : 0, a.value.lastUse) < (b.value.uses > 1 ? 1 : 0, b.value.lastUse)
        }
        for (key, entry) in order {
            guard state.bytes > target else { break }
            state.pages[key] = nil
            state.bytes -= entry.page.body.readableBytes + key.target.utf8.count + 256
        }
    }

    /// Pages kept, their bytes, hits and misses so far (metrics and tests).
    public var statistics: (pages: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.pages.count, $0.bytes, $0.hits, $0.misses) }
    }
}
