import ConocelesConfig
import ConocelesCore
import JobQueue
import Logging
import Mail
import PostgresNIO
import Storage

/// What the workers share: the database, the process and its catalogs, the configuration,
/// the mail transport, the pipeline engine and the cipher of the sensitive data.
public struct JobEnvironment: Sendable {
    public let client: PostgresClient
    public let process: ElectionProcess
    public let catalogs: Catalogs
    public let configuration: AppConfiguration
    /// The transport given, wrapped in ``MonitoredMailTransport``.
    public let mail: any MailTransport
    public let pipelines: PipelineEngine
    public let logger: Logger
    /// Seals the identity answers with `security.encryption_key`; opens with it and `security.previous_keys`.
    public let cipher: SensitiveDataCipher
    /// Derives activation tokens (a sub-key of `security.encryption_key`).
    public let activationTokens: ActivationTokenKey

    /// - Throws: `SensitiveDataCipherError` when the configured key is unusable.
    public init(
        client: PostgresClient, process: ElectionProcess, catalogs: Catalogs, configuration: AppConfiguration,
        mail: any MailTransport, pipelines: PipelineEngine, logger: Logger
    ) throws {
        self.client = client
        self.process = process
        self.catalogs = catalogs
        self.configuration = configuration
        // Every worker's sending keeps the mail server's alert current (staff's banner, /metrics).
        self.mail = mail is MonitoredMailTransport ? mail : MonitoredMailTransport(base: mail, client: client, logger: logger)
        self.pipelines = pipelines
        self.logger = logger
        self.cipher = try SensitiveDataCipher(security: configuration.security)
        self.activationTokens = ActivationTokenKey(masterKey: configuration.security.encryptionKey)
    }

    /// Inserts jobs with the kinds' policies of `jobs/` (the pipeline engine's client).
    public var jobs: JobClient { pipelines.jobs }

    /// The pipeline started by an approval or the approval of a substitute.
    public static let approvedPipeline = "candidacy-approved"
}
