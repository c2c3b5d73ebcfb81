import Configuration
import Foundation
import SystemPackage

/// The whole typed configuration of a Conóceles process (server or worker), read from
/// `config/conoceles.yaml` with every key overridable by an environment variable
/// (`database.url` → `CONOCELES_DATABASE_URL`). Validated once, at start-up.
public struct AppConfiguration: Sendable {
    public var database: DatabaseURL
    /// A direct connection to PostgreSQL (`database.listen_url`, default `database.url`) for
    /// what a pooler in transaction mode (pgbouncer) cannot carry: the workers' LISTEN and
    /// the migrations' session advisory lock. Set it when `database.url` goes through one.
    public var listenDatabase: DatabaseURL
    /// A streaming replica of `database` for the public side's reads (`database.replica_url`;
    /// nil, the default: everything reads the primary). Only the published snapshot is read
    /// there (portal, open data, public API); a page shows a new version once it is replicated.
    public var replicaDatabase: DatabaseURL?
    /// Connections this process may open to PostgreSQL (web requests and jobs share them).
    public var databaseMaxConnections: Int
    /// Whether `serve`, `work` and `up` apply pending migrations at start
    /// (`database.migrate_on_start`, default false: they refuse a database that is not at
    /// their schema, and `conoceles migrate` is the upgrade step). Local scripts set it.
    public var migrateOnStart: Bool = false
    public var http: HTTPSettings
    public var smtp: SMTPSettings
    public var photo: PhotoLimits
    public var accounts: AccountSettings
    public var retention: RetentionSettings
    public var publication: PublicationSettings
    public var security: SecuritySettings
    /// Who may read `/metrics`.
    public var metrics: MetricsSettings
    /// Identifier of the process file in `config/processes/` (e.g. `jalisco-2024`).
    public var processID: String
    /// Folder that holds `processes/` and `catalogs/` (the repository's `config/` by default).
    public var configDirectory: String
    /// Where blobs (photos, consent documents, reports) are stored.
    public var blobsDirectory: String
    /// Folder of the job kinds' definitions and schedules (`jobs/`).
    public var jobsDirectory: String
    /// Folder of the pipelines (`pipelines/`).
    public var pipelinesDirectory: String
    /// Queue worker settings.
    public var worker: WorkerSettings
    /// Logging (`log.level`, `log.format`).
    public var log: LogSettings = LogSettings()

    /// How the processes log (to standard error).
    public struct LogSettings: Sendable, Equatable {
        /// Lines as plain text (the default) or one JSON object per line (`log.format: json`),
        /// for a log collector.
        public enum Format: String, Sendable, Equatable, CaseIterable {
            case text, json
        }
        /// The levels swift-log knows, lowest first.
        public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        /// `log.level` (default info); `--log-level` overrides it.
        public var level: String
        public var format: Format

        public init(level: String = "info", format: Format = .text) {
            self.level = level
            self.format = format
        }
    }

    /// HTTP listener.
    public struct HTTPSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// Public base URL of the site (`http.public_url`): the links of e-mails (activation,
        /// password reset) and exports, and, when it is https, cookies marked `Secure` and HSTS.
        /// Validated as an absolute http(s) URL; `http://host:port` when absent, which only
        /// tools accept: `serve`, `work` and `up` refuse to start without it (`publicURLConfigured`).
        public var publicURL: String
        /// Whether `http.public_url` was set (not the `http://host:port` fallback).
        public var publicURLConfigured: Bool = true
        /// Proxies whose `X-Forwarded-For` names the client (`http.trusted_proxies`: addresses
        /// or blocks such as `10.0.0.0/8`; none by default). From any other peer the header is
        /// ignored and the peer's address is the client's.
        public var trustedProxies: [AddressRange] = []
        /// Seconds a request may take before it is answered 503 (`http.request_timeout_seconds`,
        /// 30 by default): a request stuck on a dead database connection ends then.
        public var requestTimeoutSeconds = 30
    }

    /// Who may read `/metrics`: whoever sends `Authorization: Bearer <token>`, and clients
    /// (resolved through trusted proxies) at `allowedAddresses`.
    public struct MetricsSettings: Sendable, Equatable {
        /// The bearer token (`metrics.token`, at least 16 characters; none by default: then
        /// only `allowedAddresses`). A secret: set it in the environment.
        public var token: String?
        /// Clients that may read without the token (`metrics.allowed_addresses`; default
        /// loopback only, `127.0.0.0/8` and `::1`).
        public var allowedAddresses: [AddressRange]

        /// Settings as given (tests, tools).
        public init(token: String? = nil, allowedAddresses: [AddressRange] = AddressRange.loopback) {
            self.token = token
            self.allowedAddresses = allowedAddresses
        }
    }

    /// SMTP submission settings.
    public struct SMTPSettings: Sendable, Equatable {
        public enum Security: String, Sendable, Equatable, CaseIterable {
            case none, starttls, tls
        }
        public var host: String
        public var port: Int
        public var security: Security
        public var username: String?
        public var password: String?
        /// Sender address, e.g. `"Conóceles IEPC Jalisco" <conoceles@iepcjalisco.org.mx>`.
        public var from: String
        /// A Maildir where the bounces (delivery status notifications) sent back to `from`
        /// arrive (`smtp.bounces_maildir`); the `mail.bounces` job reads it and marks the
        /// addresses that failed. Nil: bounces are not read.
        public var bouncesMaildir: String? = nil
    }

    /// Photo limits (DOMAIN.md: under 700 KB). Imaging's `PhotoPolicy` documents each one.
    public struct PhotoLimits: Sendable, Equatable {
        /// Largest accepted upload, in bytes (`photo.max_bytes`).
        public var maxBytes: Int
        /// Largest accepted image, in pixels, checked before decoding (`photo.max_pixels`).
        public var maxPixels: Int
        /// Most memory the JPEG decoder may keep for a multi-scan (progressive) JPEG's DCT
        /// coefficients (`photo.max_coefficient_bytes`); default 25,165,824 (24 MiB).
        public var maxCoefficientBytes: Int

        /// The default of `maxCoefficientBytes`, the same as `PhotoPolicy`'s.
        public static let defaultMaxCoefficientBytes = 24 << 20

        /// Limits as given (tests, tools); the configuration file's are validated by `load`.
        public init(maxBytes: Int, maxPixels: Int, maxCoefficientBytes: Int = defaultMaxCoefficientBytes) {
            self.maxBytes = maxBytes
            self.maxPixels = maxPixels
            self.maxCoefficientBytes = maxCoefficientBytes
        }
    }

    /// Account issuing settings.
    public struct AccountSettings: Sendable, Equatable {
        /// Hours an activation link stays valid.
        public var activationTTLHours: Int
    }

    /// When sensitive data are deleted (`privacy.purge`).
    public struct RetentionSettings: Sendable, Equatable {
        /// Days a substituted or cancelled candidacy's sensitive data are kept, blocked
        /// (`retention.sensitive_data_days`, 0 to 3,650).
        public var sensitiveDataDays: Int
        /// Days after election day when everyone's sensitive data go
        /// (`retention.everyone_days_after_election`, 1 to 3,650; default 150: the final
        /// report is due within four months of election day).
        public var everyoneDaysAfterElection: Int

        /// Days after election day when the signed express-consent forms of independent
        /// candidacies (and the consent records' references to them) go
        /// (`retention.consent_documents_days`, 1 to 36,500), never before the candidacy's other
        /// sensitive data; nil (the default, the key absent) keeps them: the plan has the
        /// institute keep them on file, so they leave only by its archive's own disposal.
        public var consentDocumentsDays: Int?

        /// The default of `everyoneDaysAfterElection`.
        public static let defaultEveryoneDaysAfterElection = 150

        /// Settings as given (tests, tools); the configuration file's are validated by `load`.
        public init(
            sensitiveDataDays: Int, everyoneDaysAfterElection: Int = defaultEveryoneDaysAfterElection,
            consentDocumentsDays: Int? = nil
        ) {
            self.sensitiveDataDays = sensitiveDataDays
            self.everyoneDaysAfterElection = everyoneDaysAfterElection
            self.consentDocumentsDays = consentDocumentsDays
        }
    }

    /// Public portal settings.
    public struct PublicationSettings: Sendable, Equatable {
        /// Hours between two releases of the identity statistics
        /// (`publication.statistics_refresh_hours`, 1 to 720; default 24: once a day, from local
        /// midnight). Between releases the published tables do not change (docs/STATISTICS.md).
        public var statisticsRefreshHours: Int

        /// The default of `statisticsRefreshHours`.
        public static let defaultStatisticsRefreshHours = 24

        /// Settings as given (tests, tools); the configuration file's are validated by `load`.
        public init(statisticsRefreshHours: Int = defaultStatisticsRefreshHours) {
            self.statisticsRefreshHours = statisticsRefreshHours
        }
    }

    /// Secrets and session settings. Never logged.
    public struct SecuritySettings: Sendable, Equatable {
        /// AES-256-GCM key for sensitive columns (32 bytes).
        public var encryptionKey: [UInt8]
        /// Identifier stored next to each ciphertext, for key rotation.
        public var encryptionKeyID: String
        /// Older keys (32 bytes each, by id) that still open what they sealed, during a key
        /// rotation (`security.previous_keys`: a list of `id:base64`; none by default). New
        /// seals always use `encryptionKey`; `conoceles keys rotate` re-seals the rest.
        public var previousKeys: [String: [UInt8]] = [:]
        /// Shared secret of the registration system's HMAC-SHA256 signatures.
        public var eventHMACSecret: String
        /// Minutes of inactivity after which a session expires.
        public var sessionTTLMinutes: Int
    }

    /// Queue worker settings.
    public struct WorkerSettings: Sendable, Equatable {
        /// Seconds between polls when no notification arrives.
        public var pollIntervalSeconds: Double
        /// Seconds running jobs may finish after SIGTERM before they are cancelled and requeued.
        public var shutdownGraceSeconds: Int
        /// Seconds between heartbeats of running jobs.
        public var heartbeatSeconds: Int
        /// A running job without a heartbeat for this long is rescued and retried.
        public var rescueAfterSeconds: Int
        /// Port on `http.host` where `conoceles work` serves `/health`, `/health/ready` and
        /// `/metrics` (`worker.metrics_port`; nil, the default: none).
        public var metricsPort: Int?
    }
}

extension AppConfiguration {
    /// Reads and validates the configuration.
    /// - Parameters:
    ///   - file: path of the YAML file (default `config/conoceles.yaml`, relative to the working directory).
    ///   - environment: variables that override the file; defaults to the process environment.
    /// - Throws: `ConfigurationError` naming the first wrong key.
    public static func load(
        file: String = "config/conoceles.yaml",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> AppConfiguration {
        try refuseMappedPreviousKeys(file: file)
        return try AppConfiguration(reader: try await reader(file: file, environment: environment))
    }

    /// Reads and validates only the `photo.*` keys, for tools that check photos without the
    /// rest of the configuration (secrets included): `conoceles photo check`.
    /// - Throws: `ConfigurationError` naming the first wrong key.
    public static func loadPhotoLimits(
        file: String = "config/conoceles.yaml",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> PhotoLimits {
        try PhotoLimits(reader: try await reader(file: file, environment: environment))
    }

    /// The file's values under the environment's.
    private static func reader(file: String, environment: [String: String]) async throws -> Reader {
        let yaml: FileProvider<YAMLSnapshot>
        do {
            yaml = try await FileProvider<YAMLSnapshot>(filePath: FilePath(file))
        } catch {
            throw ConfigurationError(key: "(archivo)", reason: "no se pudo leer \(file): \(error)")
        }
        let env = EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "conoceles")
        return Reader(config: ConfigReader(providers: [env, yaml]))
    }

    init(reader r: Reader) throws(ConfigurationError) {
        let urlText = try r.string("database.url")
        do { database = try DatabaseURL(parsing: urlText) } catch {
            throw ConfigurationError(key: "database.url", reason: error.reason)
        }
        if let listenText = r.optionalString("database.listen_url") {
            do { listenDatabase = try DatabaseURL(parsing: listenText) } catch {
                throw ConfigurationError(key: "database.listen_url", reason: error.reason)
            }
        } else {
            listenDatabase = database
        }
        if let replicaText = r.optionalString("database.replica_url") {
            do { replicaDatabase = try DatabaseURL(parsing: replicaText) } catch {
                throw ConfigurationError(key: "database.replica_url", reason: error.reason)
            }
        }
        // The CA file that verifies the server's certificate, for every URL that names none.
        let caFile = r.optionalString("database.ca_file")
        if let caFile {
            guard caFile.hasPrefix("/") else {
                throw ConfigurationError(key: "database.ca_file", reason: "debe ser una ruta absoluta (un archivo PEM con la CA del servidor)")
            }
            if database.rootCertificate == nil { database.rootCertificate = caFile }
            if listenDatabase.rootCertificate == nil { listenDatabase.rootCertificate = caFile }
            if replicaDatabase != nil, replicaDatabase?.rootCertificate == nil { replicaDatabase?.rootCertificate = caFile }
        }
        for (key, url) in [("database.url", database), ("database.listen_url", listenDatabase)]
            + (replicaDatabase.map { [("database.replica_url", $0)] } ?? [])
        {
            if let file = url.rootCertificate, !FileManager.default.isReadableFile(atPath: file) {
                throw ConfigurationError(key: file == caFile ? "database.ca_file" : key, reason: "no se puede leer el archivo de CA «\(file)»")
            }
        }
        // A full publication rebuild holds two at once (it writes while it reads); a third
        // keeps a second build, waiting for the first's lock with one, from starving it.
        databaseMaxConnections = try r.int("database.max_connections", in: 3...1_000)
        migrateOnStart = try r.bool("database.migrate_on_start", default: false)
        let host = try r.string("http.host")
        let port = try r.int("http.port", in: 1...65535)
        let publicURL = r.optionalString("http.public_url")
        if let publicURL { try Self.validatePublicURL(publicURL) }
        http = HTTPSettings(
            host: host, port: port,
            publicURL: publicURL ?? "http://\(host):\(port)", publicURLConfigured: publicURL != nil,
            trustedProxies: try r.addressRanges("http.trusted_proxies") ?? [],
            requestTimeoutSeconds: try r.int("http.request_timeout_seconds", in: 1...3_600, default: 30))
        let level = r.optionalString("log.level") ?? "info"
        guard LogSettings.levels.contains(level) else {
            throw ConfigurationError(key: "log.level", reason: "«\(level)» no es un nivel válido; use \(LogSettings.levels.joined(separator: ", "))")
        }
        let formatText = r.optionalString("log.format") ?? "text"
        guard let format = LogSettings.Format(rawValue: formatText) else {
            throw ConfigurationError(key: "log.format", reason: "«\(formatText)» no es válido; use text o json")
        }
        log = LogSettings(level: level, format: format)
        let metricsToken = r.optionalString("metrics.token", secret: true)
        if let metricsToken, metricsToken.utf8.count < 16 {
            throw ConfigurationError(key: "metrics.token", reason: "debe tener al menos 16 caracteres (genere uno con: openssl rand -hex 24)")
        }
        metrics = MetricsSettings(
            token: metricsToken, allowedAddresses: try r.addressRanges("metrics.allowed_addresses") ?? AddressRange.loopback)
        let securityText = try r.string("smtp.security")
        guard let security = SMTPSettings.Security(rawValue: securityText) else {
            throw ConfigurationError(key: "smtp.security", reason: "«\(securityText)» no es válido; use none, starttls o tls")
        }
        let smtpHost = try r.string("smtp.host")
        // Activation and reset links travel in these messages: without TLS they may only go to
        // a relay on this machine, unless the operator says so on purpose.
        let loopback = smtpHost == "localhost" || smtpHost == "::1" || smtpHost.hasPrefix("127.")
        let allowInsecure = r.optionalString("smtp.allow_insecure")
        guard allowInsecure == nil || allowInsecure == "true" || allowInsecure == "false" else {
            throw ConfigurationError(key: "smtp.allow_insecure", reason: "«\(allowInsecure ?? "")» no es válido; use true o false")
        }
        if security == .none, !loopback, allowInsecure != "true" {
            throw ConfigurationError(
                key: "smtp.host",
                reason: "con smtp.security «none» se enviarían los enlaces de activación sin cifrar a \(smtpHost); "
                    + "use starttls o tls (o smtp.allow_insecure: true si el servidor está en una red de confianza)")
        }
        smtp = SMTPSettings(
            host: smtpHost, port: try r.int("smtp.port", in: 1...65535), security: security,
            username: r.optionalString("smtp.username"), password: r.optionalString("smtp.password", secret: true),
            from: try r.string("smtp.from"), bouncesMaildir: r.optionalString("smtp.bounces_maildir"))
        photo = try PhotoLimits(reader: r)
        accounts = AccountSettings(activationTTLHours: try r.int("accounts.activation_ttl_hours", in: 1...24 * 60))
        retention = RetentionSettings(
            sensitiveDataDays: try r.int("retention.sensitive_data_days", in: 0...3_650),
            everyoneDaysAfterElection: try r.int(
                "retention.everyone_days_after_election", in: 1...3_650,
                default: RetentionSettings.defaultEveryoneDaysAfterElection),
            consentDocumentsDays: try r.optionalInt("retention.consent_documents_days", in: 1...36_500))
        publication = PublicationSettings(
            statisticsRefreshHours: try r.int(
                "publication.statistics_refresh_hours", in: 1...720, default: PublicationSettings.defaultStatisticsRefreshHours))
        let keyText = try r.string("security.encryption_key", secret: true)
        guard let key = Data(base64Encoded: keyText), key.count == 32 else {
            throw ConfigurationError(
                key: "security.encryption_key",
                reason: "debe ser una llave de 32 bytes en base64 (genere una con: openssl rand -base64 32)")
        }
        let hmac = try r.string("security.event_hmac_secret", secret: true)
        guard hmac.utf8.count >= 32 else {
            throw ConfigurationError(key: "security.event_hmac_secret", reason: "debe tener al menos 32 caracteres")
        }
        let keyID = try r.string("security.encryption_key_id")
        self.security = SecuritySettings(
            encryptionKey: Array(key), encryptionKeyID: keyID,
            previousKeys: try SecuritySettings.parsePreviousKeys(
                r.optionalList("security.previous_keys", secret: true), currentKey: Array(key), currentID: keyID),
            eventHMACSecret: hmac, sessionTTLMinutes: try r.int("security.session_ttl_minutes", in: 5...24 * 60))
        processID = try r.string("process.id")
        guard processID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConfigurationError(key: "process.id", reason: "solo letras, números, guiones y guiones bajos")
        }
        configDirectory = try r.string("paths.config")
        blobsDirectory = try r.string("paths.blobs")
        jobsDirectory = try r.string("paths.jobs")
        pipelinesDirectory = try r.string("paths.pipelines")
        worker = WorkerSettings(
            pollIntervalSeconds: Double(try r.int("worker.poll_interval_ms", in: 10...600_000)) / 1_000,
            shutdownGraceSeconds: try r.int("worker.shutdown_grace_seconds", in: 0...3_600),
            heartbeatSeconds: try r.int("worker.heartbeat_seconds", in: 1...600),
            rescueAfterSeconds: try r.int("worker.rescue_after_seconds", in: 2...86_400),
            metricsPort: try r.optionalInt("worker.metrics_port", in: 1...65535))
        guard worker.rescueAfterSeconds >= 2 * worker.heartbeatSeconds else {
            throw ConfigurationError(
                key: "worker.rescue_after_seconds",
                reason: "debe ser al menos el doble de worker.heartbeat_seconds (\(worker.heartbeatSeconds))")
        }
    }
}

extension AppConfiguration {
    /// Refuses a public URL that is not an absolute `http(s)://host[:port][/path]` (no
    /// user, query or fragment): links built on it must reach the site.
    static func validatePublicURL(_ text: String) throws(ConfigurationError) {
        let example = "use la dirección con la que las personas llegan al sitio, p. ej. https://conoceles.iepcjalisco.org.mx"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else {
            throw ConfigurationError(key: "http.public_url", reason: "«\(text)» no es una URL absoluta http:// o https://; \(example)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConfigurationError(key: "http.public_url", reason: "«\(text)» no tiene nombre de servidor; \(example)")
        }
        guard components.user == nil, components.password == nil, components.query == nil, components.fragment == nil else {
            throw ConfigurationError(key: "http.public_url", reason: "«\(text)» no puede llevar usuario, consulta (?) ni fragmento (#); \(example)")
        }
    }
}

extension AppConfiguration.PhotoLimits {
    init(reader r: Reader) throws(ConfigurationError) {
        maxBytes = try r.int("photo.max_bytes", in: 1_024...50_000_000)
        maxPixels = try r.int("photo.max_pixels", in: 10_000...200_000_000)
        maxCoefficientBytes = try r.int("photo.max_coefficient_bytes", in: 1 << 20...1 << 30, default: Self.defaultMaxCoefficientBytes)
    }
}

/// Typed look-ups that turn every failure into a `ConfigurationError` naming the key.
struct Reader {
    let config: ConfigReader

    func optionalString(_ key: String, secret: Bool = false) -> String? {
        let configKey = ConfigKey(key)
        if let value = config.string(forKey: configKey, isSecret: secret), !value.isEmpty { return value }
        // A YAML number asked for as text (e.g. a numeric password) is still text.
        if let number = config.int(forKey: configKey, isSecret: secret) { return String(number) }
        return nil
    }

    /// The list at `key`: a YAML sequence, or a text of comma-separated items (how an
    /// environment variable carries a list); empty items dropped, nil when absent.
    func optionalList(_ key: String, secret: Bool = false) -> [String]? {
        let configKey = ConfigKey(key)
        let items =
            config.stringArray(forKey: configKey, isSecret: secret)
            ?? config.string(forKey: configKey, isSecret: secret).map { $0.split(separator: ",").map(String.init) }
        return items?.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The list of addresses and blocks at `key` (see `optionalList`); nil when absent.
    /// - Throws: `ConfigurationError` naming the first item that is not an address or block.
    func addressRanges(_ key: String) throws(ConfigurationError) -> [AddressRange]? {
        guard let items = optionalList(key) else { return nil }
        var ranges: [AddressRange] = []
        for item in items {
            guard let range = AddressRange(item) else {
                throw ConfigurationError(key: key, reason: "«\(item)» no es una dirección IP ni un bloque (como 10.0.0.0/8)")
            }
            ranges.append(range)
        }
        return ranges
    }

    /// `true` or `false` at `key` (a YAML boolean or its text); `defaultValue` when absent.
    func bool(_ key: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        if let value = config.bool(forKey: ConfigKey(key)) { return value }
        guard let text = optionalString(key) else { return defaultValue }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ConfigurationError(key: key, reason: "«\(text)» no es válido; use true o false")
        }
    }

    func string(_ key: String, secret: Bool = false) throws(ConfigurationError) -> String {
        if let value = optionalString(key, secret: secret) { return value }
        throw ConfigurationError(key: key, reason: "falta el valor (es obligatorio)")
    }

    /// The integer at `key`, within `range`, or nil when the key is absent or empty.
    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard optionalString(key) != nil else { return nil }
        return try int(key, in: range)
    }

    /// The integer at `key`, within `range`; `defaultValue` when the key is absent (a key
    /// without a default is required).
    func int(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws(ConfigurationError) -> Int {
        let value: Int
        if let int = config.int(forKey: ConfigKey(key)) {
            value = int
        } else if let text = config.string(forKey: ConfigKey(key)) {
            guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(key: key, reason: "«\(text)» no es un número entero")
            }
            value = parsed
        } else if let defaultValue {
            value = defaultValue
        } else {
            throw ConfigurationError(key: key, reason: "falta el valor (es obligatorio)")
        }
        guard range.contains(value) else {
            throw ConfigurationError(key: key, reason: "\(value) está fuera del rango permitido (\(range.lowerBound) a \(range.upperBound))")
        }
        return value
    }
}
