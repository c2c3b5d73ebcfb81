import ArgumentParser
import Dispatch
import Foundation
import Logging
import ConocelesJobs
import Imaging
import ConocelesWeb
import Hummingbird
import ServiceLifecycle
import Storage

/// `conoceles serve`: the web application only (run as many as needed against one database).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Inicia el servidor web / start the web server.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await Runtime.load(options, label: "serve")
        runtime.requirePublicURL()
        try await runtime.withDatabase(service: true) {
            try await runtime.runServices(web: true, workers: false)
        }
    }
}

/// `conoceles up`: server and workers in one process, for a single machine or a demo.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Inicia servidor y trabajadores en un solo proceso / run server and workers in one process.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await Runtime.load(options, label: "up")
        runtime.requirePublicURL()
        try await runtime.withDatabase(service: true) {
            try await runtime.runServices(web: true, workers: true)
        }
    }
}

/// `conoceles work`: queue workers only.
struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Inicia los trabajadores de la cola / run the queue workers.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await Runtime.load(options, label: "work")
        runtime.requirePublicURL()
        try await runtime.withDatabase(service: true) {
            try await runtime.runServices(web: false, workers: true)
        }
    }
}

extension Runtime {
    /// Runs the chosen services in one ServiceGroup until SIGTERM or SIGINT, then shuts them
    /// down gracefully (the database pool stops after them).
    func runServices(web: Bool, workers: Bool) async throws {
        var services: [any Service] = []
        if web {
            var context = try webContext()
            let pageCache = PageCache()
            context.pageCache = pageCache
            if let replicaURL = configuration.replicaDatabase {
                // The public side reads the replica (its own pool, started before the site and
                // stopped after it). No publication watcher then: the primary's notification
                // names a version the replica may not have replayed yet, and pages rendered
                // from the replica would be cached under it; the page cache follows the
                // replica's own version instead (checked every PageCache.checkInterval).
                let endpoint = DatabaseEndpoint(replicaURL)
                do { try await Database.preflight(endpoint, logger: logger) } catch {
                    Runtime.fail("database.replica_url: \(error.description)")
                }
                let replica = Database(endpoint: endpoint, maximumConnections: configuration.databaseMaxConnections, logger: logger)
                services.append(PoolService(database: replica))
                context.replica = replica
                logger.notice("public pages read the replica", metadata: ["replica": "\(replicaURL)"])
            } else if listenEndpoint != database.endpoint {
                // LISTEN needs a session of its own: through pgbouncer in transaction mode the
                // notifications never arrive, so with `database.listen_url` the watcher has a
                // one-connection pool to that direct endpoint (started before it, stopped after it).
                let direct = Database(endpoint: listenEndpoint, maximumConnections: 1, logger: logger)
                services.append(PoolService(database: direct))
                services.append(PublicationWatcher(cache: pageCache, client: direct.client, logger: logger))
            } else {
                services.append(PublicationWatcher(cache: pageCache, client: database.client, logger: logger))
            }
            let http = configuration.http
            var app = WebApplication.build(context: context, host: http.host, port: http.port, logger: logger)
            app.beforeServerStarts { [logger] in
                logger.notice("listening", metadata: ["url": "http://\(http.host):\(http.port)/"])
            }
            services.append(app)
        }
        if workers {
            services.append(contentsOf: try await makeWorkerServices())
        }
        // `work`'s own health and metrics (`worker.metrics_port`): `up` serves them on the site.
        if workers, !web, let port = configuration.worker.metricsPort {
            let host = configuration.http.host
            var monitoring = WebApplication.buildMonitoring(context: try webContext(), host: host, port: port, logger: logger)
            monitoring.beforeServerStarts { [logger] in
                logger.notice("monitoring endpoints listening", metadata: ["url": "http://\(host):\(port)/metrics"])
            }
            services.append(monitoring)
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // SIGTERM always ends the process: running jobs get their grace period (and a stuck
        // attempt its 10 s to notice its cancellation); whatever still runs 2 s after that is
        // cancelled, and if a service ignores even that, the watchdog ends the process (status
        // 75, no crash report to wait for) 3 s later, so a supervisor's stop never needs kill -9.
        let grace = (workers ? configuration.worker.shutdownGraceSeconds + 10 : 0) + 2
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(grace)
        let group = ServiceGroup(configuration: groupConfiguration)
        let watchdog = ShutdownWatchdog(limitSeconds: grace + 3, logger: logger)
        watchdog.arm()
        // A server's threads yield to its bcrypt pool (sign-in storms; `PasswordHashing`).
        let priorities = web ? Task.detached(priority: .low) { await PasswordHashing.yieldToThePool() } : nil
        defer { priorities?.cancel() }
        try await group.run()
    }

    /// The site's context: database, process, keys, blob store, queue definitions.
    func webContext() throws -> WebContext {
        let (catalog, pipelines) = loadQueueDefinitions()
        let security = configuration.security
        var context = WebContext(
            database: database, process: process, catalogs: catalogs, eventSecret: security.eventHMACSecret,
            cipher: try SensitiveDataCipher(security: security),
            blobs: FileBlobStore(root: configuration.blobsDirectory),
            jobCatalog: catalog, metrics: metrics, secureCookies: configuration.http.publicURL.hasPrefix("https://"),
            sessionTTL: .seconds(configuration.security.sessionTTLMinutes * 60))
        context.photoPolicy = PhotoPolicy(configuration.photo, rules: process.rules)
        context.pipelineDefinitions = pipelines
        context.trustedProxies = configuration.http.trustedProxies
        context.requestTimeout = .seconds(configuration.http.requestTimeoutSeconds)
        context.metricsAccess = configuration.metrics
        context.statisticsRefreshHours = configuration.publication.statisticsRefreshHours
        return context
    }
}

/// A connection pool run as a service that ends at graceful shutdown (services shut down in
/// reverse order, so whatever was added after it has stopped using it by then).
struct PoolService: Service {
    let database: Database

    func run() async throws {
        // Cancelled at graceful shutdown: that is its normal end, not a failure.
        try? await cancelWhenGracefulShutdown { await database.run() }
    }
}

/// Ends the process with status 75 when a shutdown (SIGTERM or SIGINT) has not finished
/// within `limitSeconds`: a service stuck on a dead connection must not keep a stopped
/// process alive. Listens to the signals alongside the service group's own handlers.
final class ShutdownWatchdog: @unchecked Sendable {
    let limitSeconds: Int
    let logger: Logger
    /// Kept alive for the process's life; set once by `arm()` before the services run.
    private var sources: [any DispatchSourceSignal] = []

    init(limitSeconds: Int, logger: Logger) {
        self.limitSeconds = limitSeconds
        self.logger = logger
    }

    func arm() {
        let created = [SIGTERM, SIGINT].map { signal -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { [limitSeconds, logger] in
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(limitSeconds)) {
                    logger.critical("shutdown did not finish in time; exiting", metadata: ["seconds": "\(limitSeconds)"])
                    exit(75)
                }
            }
            source.resume()
            return source
        }
        sources = created
    }
}
