import ConocelesCore
import Prometheus
import Storage

/// What every controller may use: the database, the process served, and site settings.
public struct WebContext: Sendable {
    public let database: Database
    public let process: ElectionProcess
    /// In-process metrics (HTTP, jobs run by this process) served on `/metrics`.
    public let metrics: PrometheusCollectorRegistry

    public init(database: Database, process: ElectionProcess, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.database = database
        self.process = process
        self.metrics = metrics
    }
}
