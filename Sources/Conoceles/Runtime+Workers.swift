import ConocelesJobs
import JobQueue
import ServiceLifecycle

extension Runtime {
    /// The queue's definitions from `jobs/` and `pipelines/`, checked against the workers of
    /// this build; a wrong file stops the program with its name and key.
    func loadQueueDefinitions(workers: JobWorkers) -> (JobCatalog, [PipelineDefinition]) {
        do {
            let catalog = try JobCatalog.load(directory: configuration.jobsDirectory, knownKinds: workers.kinds)
            let pipelines = try PipelineDefinition.loadAll(directory: configuration.pipelinesDirectory, knownKinds: workers.kinds)
            return (catalog, pipelines)
        } catch {
            Runtime.fail(error.description)
        }
    }

    /// The queue processor and the maintenance leader candidate of this process.
    func makeWorkerServices() async throws -> [any Service] {
        let workers = WorkerRegistry.all()
        let (catalog, pipelines) = loadQueueDefinitions(workers: workers)
        let client = database.client
        let jobs = JobClient(client: client, catalog: catalog, logger: logger)
        var processorConfiguration = JobProcessor.Configuration(queues: catalog.queues)
        processorConfiguration.pollInterval = .milliseconds(Int64(configuration.worker.pollIntervalSeconds * 1_000))
        processorConfiguration.shutdownGrace = .seconds(configuration.worker.shutdownGraceSeconds)
        processorConfiguration.heartbeatInterval = .seconds(configuration.worker.heartbeatSeconds)
        let processor = JobProcessor(
            client: client, catalog: catalog, workers: workers, configuration: processorConfiguration,
            pipelines: PipelineEngine(definitions: pipelines, jobs: jobs, logger: logger), logger: logger)
        var maintenanceConfiguration = JobMaintenance.Configuration(leaderID: processorConfiguration.workerID)
        maintenanceConfiguration.rescueAfter = .seconds(configuration.worker.rescueAfterSeconds)
        maintenanceConfiguration.rescuerInterval = min(.seconds(10), .seconds(configuration.worker.rescueAfterSeconds) / 2)
        let maintenance = JobMaintenance(
            client: client, catalog: catalog, configuration: maintenanceConfiguration, logger: logger)
        return [processor, maintenance]
    }
}
