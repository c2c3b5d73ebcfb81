import Foundation
import Hummingbird
import Prometheus

/// Counts every answered request on `/metrics` (docs/OPERATIONS.md §6), by route pattern —
/// never the raw path, so a scan of random URLs cannot grow the label set:
///
/// - `conoceles_http_requests_total{route,method,status}`: `status` is the class (`2xx`…`5xx`);
///   its rate is the request rate.
/// - `conoceles_http_request_duration_seconds{route}`: a latency histogram (5 ms to 30 s),
///   from the request's arrival here to its answer being ready (the body is streamed after).
/// - `conoceles_http_server_errors_total{route}`: the 5xx answers, by route.
///
/// `route` is the router's pattern (`/perfil/{id}`); a page answered by the page cache before
/// the router ran is labelled with its cached path family (`/perfil/*`), static files
/// `/estatico/*`, and anything no route matched `unmatched`.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
    ]

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "conoceles", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, by route pattern, method and status class.")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "conoceles", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time to answer an HTTP request, by route pattern.")
    }
    static var serverErrors: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "conoceles", subsystem: "http", metricName: "server_errors", unitName: "total",
            helpText: "HTTP requests answered with a 5xx status, by route pattern.")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, elapsed: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, elapsed: ContinuousClock.now - start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, elapsed: Duration) {
        let route = Self.route(endpoint: context.endpointPath, path: request.uri.path)
        let method = Self.methods.contains(request.method.rawValue) ? request.method.rawValue : "OTHER"
        let statusClass = (100...599).contains(status) ? "\(status / 100)xx" : "other"
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", statusClass)])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)], buckets: Self.buckets)
            .record(elapsed)
        if status >= 500 {
            registry.makeCounter(descriptor: Self.serverErrors, labels: [("route", route)]).increment()
        }
    }

    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The label for a request: the router's pattern when a route matched, else a bounded family.
    static func route(endpoint: String?, path: String) -> String {
        // Hummingbird names the route of a request nothing matched "NotFound".
        if let endpoint, !endpoint.isEmpty, endpoint != "NotFound" { return endpoint }
        if path.hasPrefix("/estatico/") { return "/estatico/*" }
        if PageCacheMiddleware.isCached(path) {
            if let prefix = PageCacheMiddleware.cachedPaths.first(where: { $0.hasSuffix("/") && $0 != "/" && path.hasPrefix($0) }) {
                return prefix + "*"
            }
            return path
        }
        return "unmatched"
    }
}
