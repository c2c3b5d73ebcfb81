import ArgumentParser
import ConocelesConfig
import ConocelesCore
import Foundation
import Logging
import Metrics
import PostgresNIO
import Prometheus
import Storage

/// What every long-running command needs, loaded and checked before anything starts:
/// the configuration, the process, a reachable database (fail fast with PostgreSQL's reason).
struct Runtime: Sendable {
    let configuration: AppConfiguration
    let process: ElectionProcess
    let catalogs: Catalogs
    let database: Database
    /// Where LISTEN and the migrations' session lock connect: `database.listen_url`, the
    /// same endpoint as `database` unless the pool goes through pgbouncer.
    let listenEndpoint: DatabaseEndpoint
    let logger: Logger
    /// This process's metrics, bootstrapped as the global metrics system.
    let metrics: PrometheusCollectorRegistry

    /// Loads everything or exits with a Spanish message and a non-zero code.
    static func load(_ options: GlobalOptions, label: String) async throws -> Runtime {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "conoceles.\(label)")
        logger.logLevel = Logger.Level(rawValue: options.logLevel) ?? .info
        do {
            let configuration = try await AppConfiguration.load(file: options.configFile)
            let (process, catalogs) = try ProcessLoader.load(configuration: configuration)
            let endpoint = DatabaseEndpoint(configuration.database)
            let listenEndpoint = DatabaseEndpoint(configuration.listenDatabase)
            try await Database.preflight(endpoint, logger: logger)
            if listenEndpoint != endpoint {
                try await Database.preflight(listenEndpoint, logger: logger)
            }
            let database = Database(endpoint: endpoint, maximumConnections: configuration.databaseMaxConnections, logger: logger)
            let metrics = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
            return Runtime(
                configuration: configuration, process: process, catalogs: catalogs, database: database,
                listenEndpoint: listenEndpoint, logger: logger,
                metrics: metrics)
        } catch let error as ConfigurationError {
            fail(error.description)
        } catch let error as ProcessLoader.LoadError {
            fail(error.description)
        } catch let error as DatabaseUnavailable {
            fail(error.description)
        }
    }

    /// Runs `body` while the database pool runs; migrates and registers the process first.
    func withDatabase(migrate: Bool = true, _ body: @Sendable @escaping () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            do {
                if migrate {
                    try await self.migrate()
                    try await ProcessStore(client: database.client, logger: logger).register(process)
                }
                try await body()
            } catch let error as Migrator.MigrationFailed {
                group.cancelAll()
                Runtime.fail(error.description)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Applies the pending migrations over a direct connection when `database.listen_url`
    /// names one (a session lock cannot go through pgbouncer in transaction mode), else over
    /// the pool. Returns the versions applied now.
    @discardableResult
    func migrate() async throws -> [Int] {
        guard listenEndpoint != database.endpoint else {
            return try await Migrator().migrate(database.client, logger: logger)
        }
        let connection = try await PostgresConnection.connect(
            configuration: listenEndpoint.connectionConfiguration, id: 0, logger: logger)
        do {
            let applied = try await Migrator().migrate(on: connection, logger: logger)
            try await connection.close()
            return applied
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(78)  // EX_CONFIG
    }
}

extension DatabaseEndpoint {
    /// The endpoint of a configured URL.
    init(_ url: DatabaseURL) {
        self.init(host: url.host, port: url.port, username: url.username, password: url.password,
                  database: url.database, requireTLS: url.requireTLS)
    }
}
