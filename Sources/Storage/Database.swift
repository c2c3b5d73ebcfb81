import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

/// Where and how to reach PostgreSQL; built from `database.url` by the caller.
public struct DatabaseEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLS

    /// TLS towards PostgreSQL, as libpq's `sslmode` asks for it (the caller maps it).
    public struct TLS: Sendable, Equatable {
        public enum Mode: Sendable, Equatable {
            /// Plain connection.
            case disable
            /// TLS when the server offers it, else plain.
            case prefer
            /// TLS or no connection.
            case require
        }
        public enum Verification: Sendable, Equatable {
            /// Encrypt without checking the certificate (libpq's `prefer`, `require`).
            case none
            /// The chain must lead to a trusted authority (libpq's `verify-ca`).
            case chain
            /// The chain, and the certificate names the host (libpq's `verify-full`).
            case full
        }
        public var mode: Mode
        public var verification: Verification
        /// PEM file of the trusted authorities; nil: the system's.
        public var caFile: String?

        public init(mode: Mode, verification: Verification = .full, caFile: String? = nil) {
            self.mode = mode
            self.verification = verification
            self.caFile = caFile
        }

        public static let disable = TLS(mode: .disable, verification: .none)

        /// swift-nio-ssl's client configuration for this verification and CA file.
        public var configuration: TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            switch verification {
            case .none: configuration.certificateVerification = .none
            case .chain: configuration.certificateVerification = .noHostnameVerification
            case .full: configuration.certificateVerification = .fullVerification
            }
            if let caFile { configuration.trustRoots = .file(caFile) }
            return configuration
        }
    }

    public init(host: String, port: Int, username: String, password: String?, database: String, tls: TLS = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// As before `sslmode` had its libpq meanings: TLS fully verified, or none.
    public init(host: String, port: Int, username: String, password: String?, database: String, requireTLS: Bool) {
        self.init(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? TLS(mode: .require, verification: .full) : .disable)
    }

    /// The same server, another database (tests create one per test).
    public func with(database: String) -> DatabaseEndpoint {
        var copy = self
        copy.database = database
        return copy
    }

    /// The TLS context of a direct connection; fails when the CA file cannot be loaded.
    func sslContext() throws -> NIOSSLContext {
        try NIOSSLContext(configuration: tls.configuration)
    }

    /// The configuration of one direct connection (LISTEN, the migrations' lock, preflight).
    /// The preflight has loaded the TLS context once (a CA file it cannot read stops start-up).
    public var connectionConfiguration: PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS =
            switch tls.mode {
            case .disable: .disable
            case .prefer: .prefer(try! sslContext())
            case .require: .require(try! sslContext())
            }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: connectionTLS)
    }

    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let clientTLS: PostgresClient.Configuration.TLS =
            switch tls.mode {
            case .disable: .disable
            case .prefer: .prefer(tls.configuration)
            case .require: .require(tls.configuration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

/// The database could not be reached; `reason` is PostgreSQL's own (wrong password,
/// connection refused, unknown database), never a generic retry message.
public struct DatabaseUnavailable: Error, Sendable, CustomStringConvertible {
    public let endpoint: String
    public let reason: String
    public var description: String { "No se pudo conectar a PostgreSQL (\(endpoint)): \(reason)" }
}

/// The application's handle on PostgreSQL: a pooled `PostgresClient` that runs as a
/// ServiceLifecycle service, plus a fail-fast preflight.
public struct Database: Sendable {
    /// The pool; it must be running (see `run()`) before queries are sent.
    public let client: PostgresClient
    public let endpoint: DatabaseEndpoint
    public let logger: Logger

    public init(endpoint: DatabaseEndpoint, maximumConnections: Int = 20, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
        self.client = PostgresClient(
            configuration: endpoint.clientConfiguration(maximumConnections: maximumConnections),
            backgroundLogger: logger)
    }

    /// Opens one connection and runs `SELECT 1`, within `timeout`. PostgresClient retries a
    /// bad endpoint for about a minute and then reports only a tripped circuit breaker; this
    /// reports PostgreSQL's real reason at once.
    public static func preflight(_ endpoint: DatabaseEndpoint, timeout: Duration = .seconds(4), logger: Logger) async throws(DatabaseUnavailable) {
        let where_ = "\(endpoint.host):\(endpoint.port)/\(endpoint.database)"
        if endpoint.tls.mode != .disable {
            do { _ = try endpoint.sslContext() } catch {
                throw DatabaseUnavailable(endpoint: where_, reason: "no se pudo preparar TLS (¿el archivo de CA es un PEM legible?): \(error)")
            }
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let connection = try await PostgresConnection.connect(
                        configuration: endpoint.connectionConfiguration, id: 0, logger: logger)
                    defer { Task { try? await connection.close() } }
                    try await connection.query("SELECT 1", logger: logger)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw DatabaseUnavailable(endpoint: where_, reason: "sin respuesta en \(timeout) (¿el servidor está detenido o el puerto es otro?)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as DatabaseUnavailable {
            throw error
        } catch {
            throw DatabaseUnavailable(endpoint: where_, reason: PostgresErrorText.describe(error))
        }
    }

    /// Runs the pool until the service group shuts down.
    public func run() async {
        await client.run()
    }
}

extension Database: Service {}
