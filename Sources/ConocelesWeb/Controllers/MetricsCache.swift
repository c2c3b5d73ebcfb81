import Foundation

/// The database part of `/metrics`, kept for `maximumAge`: scrapes in between get the same
/// text, and concurrent scrapes of a stale text wait for one render instead of each running
/// the queries (a scrape storm costs one render per `maximumAge`).
actor MetricsCache {
    /// How long a rendered text is served; 5 s by default (Prometheus scrapes every 15 s or more).
    let maximumAge: Duration
    private var rendered: (text: String, at: ContinuousClock.Instant)?
    private var rendering: Task<String, any Error>?

    init(maximumAge: Duration = .seconds(5)) {
        self.maximumAge = maximumAge
    }

    /// The cached text, or the text `render` returns now when the cached one is older than
    /// `maximumAge` (one render at a time; a failed render is not kept).
    func text(_ render: @escaping @Sendable () async throws -> String) async throws -> String {
        let now = ContinuousClock.now
        if let rendered, now - rendered.at < maximumAge { return rendered.text }
        if let rendering { return try await rendering.value }
        let task = Task { try await render() }
        rendering = task
        defer { rendering = nil }
        let text = try await task.value
        rendered = (text, ContinuousClock.now)
        return text
    }
}
