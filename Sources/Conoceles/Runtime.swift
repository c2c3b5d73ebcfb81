import ArgumentParser
import ConocelesConfig
import ConocelesCore
import Foundation
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ConocelesJobs
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
        do {
            let configuration = try await AppConfiguration.load(file: options.configFile)
            let logger = bootstrapLogging(configuration.log, flag: options.logLevel, label: label)
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

    /// Runs `body` while the database pool runs. First the schema: with `service` (`serve`,
    /// `work`, `up`) it must match this build exactly — pending migrations are applied only
    /// with `database.migrate_on_start`, else the process refuses to start (`conoceles
    /// migrate` is the upgrade step); otherwise, with `migrate` (tools), pending migrations are
    /// applied. Either way a changed or unknown applied migration stops the process. Then the
    /// process file is registered.
    func withDatabase(migrate: Bool = true, service: Bool = false, _ body: @Sendable @escaping () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            do {
                if service {
                    let migrator = try ApplicationSchema.migrator()
                    let state = try await migrator.state(database.client, logger: logger)
                    if configuration.migrateOnStart {
                        try await self.migrate()
                    } else {
                        try migrator.verify(state, requireCurrent: true)
                    }
                    logger.info(
                        "schema checked",
                        metadata: [
                            "version": "\(migrator.migrations.last?.version ?? 0)",
                            "migrated_on_start": "\(configuration.migrateOnStart)",
                        ])
                    try await ProcessStore(client: database.client, logger: logger).register(process)
                } else if migrate {
                    try await self.migrate()
                    try await ProcessStore(client: database.client, logger: logger).register(process)
                }
                try await body()
            } catch let error as Migrator.MigrationFailed {
                group.cancelAll()
                Runtime.fail(error.description)
            } catch let error as Migrator.SchemaMismatch {
                group.cancelAll()
                Runtime.fail(error.description)
            } catch let error as Migrator.UnreadableMigrations {
                group.cancelAll()
                Runtime.fail(error.description)
            } catch let error as Migrator.DuplicateVersion {
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
            return try await ApplicationSchema.migrator().migrate(database.client, logger: logger)
        }
        let connection = try await PostgresConnection.connect(
            configuration: listenEndpoint.connectionConfiguration, id: 0, logger: logger)
        do {
            let applied = try await ApplicationSchema.migrator().migrate(on: connection, logger: logger)
            try await connection.close()
            return applied
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Installs the log handler of `log.format` once per process and returns this command's
    /// logger at `--log-level`, else `log.level`; an unknown level stops the program.
    static func bootstrapLogging(_ settings: AppConfiguration.LogSettings, flag: String?, label: String) -> Logger {
        let levelText = flag ?? settings.level
        guard let level = Logger.Level(rawValue: levelText) else {
            fail("--log-level «\(levelText)» no es un nivel válido; use \(AppConfiguration.LogSettings.levels.joined(separator: ", ")).")
        }
        switch settings.format {
        case .text: LoggingSystem.bootstrap(StreamLogHandler.standardError)
        case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        }
        var logger = Logger(label: "conoceles.\(label)")
        logger.logLevel = level
        return logger
    }

    /// Stops a long-running process (`serve`, `work`, `up`) that has no `http.public_url`:
    /// without it the e-mailed links would point at this machine's listener.
    func requirePublicURL() {
        guard configuration.http.publicURLConfigured else {
            Runtime.fail(
                """
                Configuración incompleta: falta «http.public_url» (variable CONOCELES_HTTP_PUBLIC_URL), la dirección \
                pública del sitio, p. ej. https://conoceles.iepcjalisco.org.mx. Con ella se escriben los enlaces de \
                activación y de contraseña de los correos y se deciden la cookie Secure y HSTS; sin ella los enlaces \
                apuntarían a \(configuration.http.publicURL). En una prueba local: http://127.0.0.1:\(configuration.http.port).
                """)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(78)  // EX_CONFIG
    }
}
