import ConocelesConfig
import ConocelesCore
import Imaging
import JobQueue
import Prometheus
import Logging
import PostgresNIO
import Storage

/// What every controller may use: the database, the process served, and site settings.
public struct WebContext: Sendable {
    public let database: Database
    public let process: ElectionProcess
    /// The process's catalogs (states, municipalities, indigenous peoples, countries).
    public let catalogs: Catalogs
    /// In-process metrics (HTTP, jobs run by this process) served on `/metrics`.
    public let metrics: PrometheusCollectorRegistry
    /// Verifies the registration system's signatures.
    public let eventSignature: EventSignature
    /// Enqueues jobs with the kinds' policies of `jobs/`.
    public let jobs: JobClient
    /// Cookies marked `Secure` (the public URL is https).
    public let secureCookies: Bool
    /// Seals and opens the sensitive identity answers.
    public let cipher: SensitiveDataCipher
    /// Photos and signed consent documents.
    public let blobs: FileBlobStore
    /// How uploaded photos are judged (configuration `photo.*`); the defaults until set.
    public var photoPolicy = PhotoPolicy()
    /// Idle expiry of sessions (configuration `security.session_ttl_minutes`).
    public let sessionTTL: Duration
    /// The pipelines of `pipelines/` (the staff's accounts page starts `candidacy-approved`);
    /// none by default.
    public var pipelineDefinitions: [PipelineDefinition] = []
    /// Anonymous public pages kept in memory per snapshot version (`PageCacheMiddleware`);
    /// none by default (tests), set by `serve`/`up`.
    public var pageCache: PageCache?
    /// Proxies whose `X-Forwarded-For` names the client (`http.trusted_proxies`); none by default.
    public var trustedProxies: [AddressRange] = []
    /// How long a request may take before it is answered 503 (`http.request_timeout_seconds`).
    public var requestTimeout: Duration = .seconds(30)
    /// Who may read `/metrics` (`metrics.*`): by default loopback clients only, no token.
    public var metricsAccess = AppConfiguration.MetricsSettings()
    /// The database part of `/metrics`, rendered at most every few seconds.
    var metricsCache = MetricsCache()
    /// A streaming replica for the public side's reads (`database.replica_url`): the portal,
    /// open data, the public API and the page cache's version read the publication tables
    /// there; everything else stays on `database`. None by default.
    public var replica: Database?
    /// Hours between two releases of the identity statistics (`publication.statistics_refresh_hours`,
    /// 24 until set): the pages say when the tables change next.
    public var statisticsRefreshHours = 24

    public init(
        database: Database, process: ElectionProcess, catalogs: Catalogs, eventSecret: String, cipher: SensitiveDataCipher, blobs: FileBlobStore,
        jobCatalog: JobCatalog = JobCatalog(),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), secureCookies: Bool = false,
        sessionTTL: Duration = .seconds(30 * 60)
    ) {
        self.sessionTTL = sessionTTL
        self.cipher = cipher
        self.blobs = blobs
        self.secureCookies = secureCookies
        self.database = database
        self.process = process
        self.catalogs = catalogs
        self.metrics = metrics
        self.eventSignature = EventSignature(secret: eventSecret)
        self.jobs = JobClient(client: database.client, catalog: jobCatalog, logger: database.logger)
    }
}

extension WebContext {
    /// Where the public side reads the published snapshot: the replica when there is one.
    var publicReads: PostgresClient { (replica ?? database).client }

    /// The session store with this site's expiries.
    func sessions(logger: Logger) -> SessionRepository {
        SessionRepository(client: database.client, logger: logger, idleTimeout: sessionTTL)
    }
}
