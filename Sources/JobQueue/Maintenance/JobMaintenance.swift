import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The maintenance services, run only by the elected leader: the scheduler (due scheduled
/// and retryable jobs become available), the rescuer (running jobs whose worker stopped
/// heartbeating are retried or discarded), the pruner (finalized jobs older than the
/// retention are deleted) and the cron enqueuer (`jobs/schedules.yaml`).
public final class JobMaintenance: Service, Sendable {
    /// Settings with their defaults.
    public struct Configuration: Sendable {
        public var leaderID: String
        /// Lease length (default 15 s); renewed every third of it.
        public var leaseTTL: Duration = .seconds(15)
        /// Scheduler period (default 500 ms): the worst extra delay of a scheduled job.
        public var schedulerInterval: Duration = .milliseconds(500)
        /// Rescuer period (default 10 s).
        public var rescuerInterval: Duration = .seconds(10)
        /// A running job whose heartbeat is older than this is orphaned (default 60 s; must
        /// exceed the processors' heartbeat interval several times).
        public var rescueAfter: Duration = .seconds(60)
        /// Pruner period (default 60 s).
        public var prunerInterval: Duration = .seconds(60)
        /// Completed and cancelled jobs are kept this long (default 1 day).
        public var completedRetention: Duration = .seconds(86_400)
        /// Discarded jobs are kept this long, for investigation (default 7 days).
        public var discardedRetention: Duration = .seconds(7 * 86_400)
        /// Cron check period (default 10 s; each minute's tick is enqueued once).
        public var cronInterval: Duration = .seconds(10)
        /// Rows per maintenance statement.
        public var batchSize: Int = 1_000

        public init(leaderID: String) {
            self.leaderID = leaderID
        }
    }

    let client: PostgresClient
    let jobs: JobClient
    let configuration: Configuration
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(
        client: PostgresClient, catalog: JobCatalog, configuration: Configuration, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        self.jobs = JobClient(client: client, catalog: catalog, logger: logger)
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
    }

    var leadership: Leadership {
        Leadership(client: client, name: "maintenance", leaderID: configuration.leaderID, ttl: configuration.leaseTTL, logger: logger)
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.lead() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await leadership.resign()
    }

    /// While leader, runs each service on its own period; re-elects every third of the lease.
    func lead() async {
        var isLeader = false
        var last: [String: ContinuousClock.Instant] = [:]
        let renewEvery = configuration.leaseTTL / 3
        var lastElection = ContinuousClock.now - renewEvery
        while !Task.isCancelled {
            if ContinuousClock.now - lastElection >= renewEvery {
                isLeader = await electionRound(wasLeader: isLeader)
                lastElection = .now
            }
            if isLeader {
                func due(_ name: String, _ every: Duration) -> Bool {
                    guard let at = last[name] else { last[name] = .now; return true }
                    if ContinuousClock.now - at >= every { last[name] = .now; return true }
                    return false
                }
                do {
                    if due("scheduler", configuration.schedulerInterval) { _ = try await scheduleOnce() }
                    if due("rescuer", configuration.rescuerInterval) { _ = try await rescueOnce() }
                    if due("pruner", configuration.prunerInterval) { _ = try await pruneOnce() }
                    if due("cron", configuration.cronInterval) { _ = try await enqueueCronOnce() }
                } catch {
                    if Task.isCancelled { return }
                    logger.error("maintenance failed", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            try? await Task.sleep(for: configuration.schedulerInterval)
        }
    }

    /// One election: takes or renews the lease; returns whether this process leads now. An
    /// election that fails (the database unreachable, the lease table missing) is logged as an
    /// error and counts as not leading: a leader that cannot renew its lease must stop its
    /// services before the lease runs out and another process takes over.
    func electionRound(wasLeader: Bool) async -> Bool {
        let isLeader: Bool
        do {
            isLeader = try await leadership.attemptElectOrReelect()
        } catch {
            if Task.isCancelled { return false }
            logger.error(
                "maintenance leader election failed",
                metadata: [
                    "leader_id": "\(configuration.leaderID)", "was_leader": "\(wasLeader)", "error": "\(String(reflecting: error))",
                ])
            isLeader = false
        }
        if isLeader != wasLeader {
            logger.info(
                isLeader ? "became maintenance leader" : "lost maintenance leadership",
                metadata: ["leader_id": "\(configuration.leaderID)"])
        }
        return isLeader
    }

    /// Makes due scheduled and retryable jobs available and notifies their queues.
    /// SKIP LOCKED: a job being cancelled at this moment is simply taken next time.
    public func scheduleOnce() async throws -> Int {
        let rows = try await client.query(
            """
            WITH due AS MATERIALIZED (
                SELECT id FROM jobs
                 WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= now()
                 ORDER BY scheduled_at LIMIT \(configuration.batchSize)
                 FOR UPDATE SKIP LOCKED
            ), moved AS (
                UPDATE jobs j SET state = 'available' FROM due WHERE j.id = due.id RETURNING j.queue
            )
            SELECT count(*)::int, (SELECT count(pg_notify(\(JobClient.channel), q)) FROM (SELECT DISTINCT queue q FROM moved) s)::int
              FROM moved
            """, logger: logger)
        for try await (moved, _) in rows.decode((Int, Int).self) { return moved }
        return 0
    }

    /// Running jobs whose heartbeat stopped: retried now if attempts remain, else discarded
    /// (a discarded pipeline step fails its run); the error says the worker stopped responding.
    public func rescueOnce() async throws -> Int {
        let seconds = Double(configuration.rescueAfter.components.seconds)
        let rows = try await client.query(
            """
            WITH stuck AS MATERIALIZED (
                SELECT id FROM jobs
                 WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => \(seconds))
                 ORDER BY heartbeat_at LIMIT \(configuration.batchSize)
                 FOR UPDATE SKIP LOCKED
            ), rescued AS (
                UPDATE jobs j
                   SET state = CASE WHEN j.attempt < j.max_attempts THEN 'retryable' ELSE 'discarded' END::job_state,
                       scheduled_at = now(),
                       finalized_at = CASE WHEN j.attempt < j.max_attempts THEN NULL ELSE now() END,
                       errors = j.errors || jsonb_build_array(jsonb_build_object(
                           'attempt', j.attempt, 'at', extract(epoch FROM now()),
                           'error', 'rescued: worker ' || coalesce(j.attempted_by, '?') || ' stopped heartbeating',
                           'worker', j.attempted_by))
                  FROM stuck WHERE j.id = stuck.id
                RETURNING j.id, j.state, j.pipeline_run
            ), failed_runs AS (
                -- A pipeline step discarded by the rescuer fails its run, as the completer's discard
                -- does (a data-modifying CTE runs whether or not the query reads it).
                UPDATE pipeline_runs r SET state = 'failed', finished_at = now()
                 WHERE r.id IN (SELECT pipeline_run FROM rescued WHERE state = 'discarded') AND r.state = 'running'
                RETURNING r.id
            )
            SELECT count(*)::int FROM rescued
            """, logger: logger)
        var count = 0
        for try await n in rows.decode(Int.self) { count = n }
        if count > 0 { logger.warning("rescued orphaned jobs", metadata: ["count": "\(count)"]) }
        return count
    }

    /// Deletes finalized jobs past their retention, a batch at a time, until none is left,
    /// then the pipeline runs that ended. Steps of a run that is not completed are kept (a
    /// failed or cancelled run can be resumed by retrying its step, which needs its completed
    /// steps); a failed or cancelled run is deleted with its steps once it ended longer ago
    /// than the discarded retention and none of its steps is live; a completed run after the
    /// completed retention.
    public func pruneOnce() async throws -> Int {
        let completed = Double(configuration.completedRetention.components.seconds)
        let discarded = Double(configuration.discardedRetention.components.seconds)
        var total = 0
        while true {
            let rows = try await client.query(
                """
                WITH old AS (
                    SELECT j.id FROM jobs j
                     WHERE ((j.state IN ('completed', 'cancelled') AND j.finalized_at < now() - make_interval(secs => \(completed)))
                        OR (j.state = 'discarded' AND j.finalized_at < now() - make_interval(secs => \(discarded))))
                       AND (j.pipeline_run IS NULL
                            OR NOT EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.id = j.pipeline_run AND r.state <> 'completed'))
                     LIMIT \(configuration.batchSize)
                     FOR UPDATE OF j SKIP LOCKED
                ), deleted AS (DELETE FROM jobs j USING old WHERE j.id = old.id RETURNING 1)
                SELECT count(*)::int FROM deleted
                """, logger: logger)
            var n = 0
            for try await c in rows.decode(Int.self) { n = c }
            total += n
            if n < configuration.batchSize { break }
        }
        // Ended runs past their retention, with the steps they kept. One statement: a step
        // retried meanwhile makes its run `running` again, and the run is then left alone.
        let rows = try await client.query(
            """
            WITH ended AS (
                SELECT r.id FROM pipeline_runs r
                 WHERE ((r.state = 'completed' AND r.finished_at < now() - make_interval(secs => \(completed)))
                     OR (r.state IN ('failed', 'cancelled') AND r.finished_at < now() - make_interval(secs => \(discarded))))
                   AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.pipeline_run = r.id
                                      AND j.state IN ('available', 'scheduled', 'running', 'retryable'))
                 ORDER BY r.id LIMIT \(configuration.batchSize)
                 FOR UPDATE OF r SKIP LOCKED
            ), steps AS (
                DELETE FROM jobs j USING ended WHERE j.pipeline_run = ended.id RETURNING 1
            ), runs AS (
                DELETE FROM pipeline_runs r USING ended WHERE r.id = ended.id RETURNING 1
            )
            SELECT (SELECT count(*)::int FROM steps), (SELECT count(*)::int FROM runs)
            """, logger: logger)
        for try await (steps, runs) in rows.decode((Int, Int).self) {
            total += steps
            if runs > 0 { logger.info("pruned ended pipeline runs", metadata: ["runs": "\(runs)", "steps": "\(steps)"]) }
        }
        return total
    }

    /// Enqueues each schedule whose cron matches the current minute, once per minute: the
    /// job's unique key names the schedule and the minute, over any state, so a second
    /// leader (or a second check in the same minute) inserts nothing.
    public func enqueueCronOnce() async throws -> Int {
        let now = clock()
        let minute = Int(now.timeIntervalSince1970) / 60 * 60
        var inserted = 0
        for schedule in jobs.catalog.schedules where schedule.matches(now) {
            let result = try await jobs.insert(
                NewJob(
                    kind: schedule.kind, argsJSON: schedule.argsJSON,
                    uniqueness: .anyState(key: "cron:\(schedule.name):\(minute)"), tags: ["cron"]))
            if !result.skippedAsDuplicate {
                inserted += 1
                logger.info("cron job enqueued", metadata: ["schedule": "\(schedule.name)", "job_id": "\(result.id)"])
            }
        }
        return inserted
    }
}
