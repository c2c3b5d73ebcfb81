import JobQueue

/// The workers of Conóceles, one per job kind. Each later feature (registration events,
/// accounts and mail, photos, publication, monitoring, privacy) registers its own here.
public enum WorkerRegistry {
    /// Every worker this build knows. `jobs/*.yaml` may only describe these kinds.
    public static func all() -> JobWorkers {
        var workers = JobWorkers()
        workers.register(ProbeWorker())
        return workers
    }
}
