import ConocelesConfig
import ConocelesJobs
import JobArguments
import JobQueue
import Mail
import ServiceLifecycle

extension Runtime {
    /// The queue's definitions from `jobs/` and `pipelines/`, checked against the kinds this
    /// build has workers for; a wrong file stops the program with its name and key.
    func loadQueueDefinitions() -> (JobCatalog, [PipelineDefinition]) {
        do {
            let catalog = try JobCatalog.load(directory: configuration.jobsDirectory, knownKinds: WorkerRegistry.kinds)
            let pipelines = try PipelineDefinition.loadAll(directory: configuration.pipelinesDirectory, knownKinds: WorkerRegistry.kinds)
            return (catalog, pipelines)
        } catch {
            Runtime.fail(error.description)
        }
    }

    /// The SMTP mailers of `smtp.*`, one per job the `mail` queue runs at once (so concurrent
    /// mail jobs don't wait for each other's SMTP round trips); a wrong setting stops the
    /// program naming the key.
    func makeMailer(connections: Int) -> SMTPMailerPool {
        let smtp = configuration.smtp
        do {
            let from = try MailAddress(parsing: smtp.from)
            let security: SMTPSettings.Security =
                switch smtp.security {
                case .none: .none
                case .starttls: .startTLS
                case .tls: .tls
                }
            let credentials = smtp.username.map { SMTPSettings.Credentials(username: $0, password: smtp.password ?? "") }
            let settings = SMTPSettings(host: smtp.host, port: smtp.port, security: security, credentials: credentials, from: from)
            return try SMTPMailerPool(settings: settings, size: connections)
        } catch {
            Runtime.fail("Configuración inválida en «smtp»: \(error)")
        }
    }

    /// The queue processor and the maintenance leader candidate of this process.
    func makeWorkerServices() async throws -> [any Service] {
        let (catalog, pipelines) = loadQueueDefinitions()
        let client = database.client
        let jobs = JobClient(client: client, catalog: catalog, logger: logger)
        let engine = PipelineEngine(definitions: pipelines, jobs: jobs, logger: logger)
        let environment = try JobEnvironment(
            client: client, process: process, catalogs: catalogs, configuration: configuration,
            mail: makeMailer(connections: catalog.queues[catalog.policy(for: CredentialsMailJob.kind).queue] ?? 1),
            pipelines: engine, logger: logger)
        var processorConfiguration = JobProcessor.Configuration(queues: catalog.queues)
        processorConfiguration.pollInterval = .milliseconds(Int64(configuration.worker.pollIntervalSeconds * 1_000))
        processorConfiguration.shutdownGrace = .seconds(configuration.worker.shutdownGraceSeconds)
        processorConfiguration.heartbeatInterval = .seconds(configuration.worker.heartbeatSeconds)
        // A process whose results stay unwritten (a wedged connection) exits for its supervisor.
        processorConfiguration.exitWhenStuckAfter = .seconds(120)
        if listenEndpoint != database.endpoint {
            processorConfiguration.listenConnection = listenEndpoint.connectionConfiguration
        }
        let processor = JobProcessor(
            client: client, catalog: catalog, workers: WorkerRegistry.make(environment), configuration: processorConfiguration,
            pipelines: engine, logger: logger)
        var maintenanceConfiguration = JobMaintenance.Configuration(leaderID: processorConfiguration.workerID)
        maintenanceConfiguration.rescueAfter = .seconds(configuration.worker.rescueAfterSeconds)
        maintenanceConfiguration.rescuerInterval = min(.seconds(10), .seconds(configuration.worker.rescueAfterSeconds) / 2)
        let maintenance = JobMaintenance(
            client: client, catalog: catalog, configuration: maintenanceConfiguration, logger: logger)
        return [processor, maintenance]
    }
}
