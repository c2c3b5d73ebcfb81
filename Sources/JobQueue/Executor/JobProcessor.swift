import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Runs jobs: one producer per queue fetches as many jobs as it has free slots (one
/// statement, `FOR UPDATE SKIP LOCKED`), woken by LISTEN/NOTIFY with a fallback poll;
/// results go to a batching completer; running jobs heartbeat; a job past its timeout is
/// cancelled and retried. On graceful shutdown it stops fetching, lets running jobs finish
/// within the grace period, then cancels them and leaves them for retry.
public final class JobProcessor: Service, Sendable {
    /// Settings with their defaults.
    public struct Configuration: Sendable {
        /// Jobs run at once per queue; queues not listed are not worked by this process.
        public var queues: [String: Int]
        /// Identifies this process in `attempted_by` (host, pid and a random suffix).
        public var workerID: String
        /// Fetch even without a notification this often (default 1 s).
        public var pollInterval: Duration = .seconds(1)
        /// Running jobs touch `heartbeat_at` this often (default 5 s); the rescuer treats a
        /// job as orphaned after a multiple of it.
        public var heartbeatInterval: Duration = .seconds(5)
        /// How long running jobs may finish after SIGTERM before they are cancelled (default 20 s).
        public var shutdownGrace: Duration = .seconds(20)
        /// Where run counts and durations go (default: the process's bootstrapped metrics system).
        public var metricsFactory: any MetricsFactory = MetricsSystem.factory
        /// How often running attempts are checked against their kind's timeout (default 100 ms):
        /// an attempt is cancelled at most this late.
        public var timeoutCheckInterval: Duration = .milliseconds(100)
        /// How long a cancelled attempt (timed out, cancelled by staff or by shutdown) may go
        /// on ignoring its cancellation before this process stops waiting for it (default
        /// 10 s): its slot is freed, it counts as failed, and shutdown is never held up by it.
        public var abandonAfter: Duration = .seconds(10)
        /// The longest the queue's own statements (fetch, heartbeat, results) may wait for
        /// PostgreSQL (default 30 s): past it the statement is given up and tried again, so a
        /// connection the server dropped without a word never wedges the process.
        public var statementDeadline: Duration = .seconds(30)
        /// When set, a process whose results could not be written for this long exits with
        /// status 75 so that its supervisor restarts it (`conoceles work`: 120 s); its jobs
        /// stop heartbeating long before, so other processes take them meanwhile.
        public var exitWhenStuckAfter: Duration? = nil
        /// A direct connection for LISTEN (default nil: a connection of the pool). Set it when
        /// the pool goes through a pooler in transaction mode (pgbouncer), which hands each
        /// transaction to any server connection and so never delivers notifications.
        public var listenConnection: PostgresConnection.Configuration? = nil

        public init(queues: [String: Int], workerID: String = JobProcessor.defaultWorkerID()) {
            self.queues = queues
            self.workerID = workerID
        }
    }

    let client: PostgresClient
    let catalog: JobCatalog
    let workers: JobWorkers
    let configuration: Configuration
    let logger: Logger
    let completer: JobCompleter
    let running = Mutex<[Int64: RunningAttempt]>([:])
    let wakes: [String: WakeSignal]
    let stopping = Atomic<Bool>(false)
    /// Counts finished attempts; tests and benchmarks wait on it.
    public let finishedCount = Atomic<Int>(0)

    public init(
        client: PostgresClient, catalog: JobCatalog, workers: JobWorkers, configuration: Configuration,
        pipelines: PipelineEngine? = nil, logger: Logger
    ) {
        self.client = client
        self.catalog = catalog
        self.workers = workers
        self.configuration = configuration
        self.logger = logger
        self.completer = JobCompleter(
            client: client, workerID: configuration.workerID, pipelines: pipelines,
            statementDeadline: configuration.statementDeadline, logger: logger)
        self.wakes = Dictionary(uniqueKeysWithValues: configuration.queues.keys.map { ($0, WakeSignal()) })
    }

    /// `host-pid-random`, unique per process.
    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max) % 100_000)"
    }

    public func run() async throws {
        logger.info(
            "job processor started",
            metadata: [
                "worker": "\(configuration.workerID)", "queues": "\(configuration.queues.sorted { $0.key < $1.key })",
            ])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                let completerTask = Task { await completer.run() }
                group.addTask { await self.listen() }
                group.addTask { await self.heartbeat() }
                group.addTask { await self.enforceTimeouts() }
                group.addTask {
                    await withTaskGroup(of: Void.self) { producers in
                        for (queue, limit) in self.configuration.queues {
                            producers.addTask { await self.produce(queue: queue, limit: limit) }
                        }
                    }
                    // Producers are done (shutdown): flush the last results, then stop.
                    self.completer.stop()
                    await completerTask.value
                }
                await group.next()  // the producers' task ends first, on shutdown
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        logger.info("job processor stopped", metadata: ["worker": "\(configuration.workerID)"])
    }

    /// Stops fetching; producers wait for running jobs within the grace period.
    public func beginShutdown() {
        stopping.store(true, ordering: .relaxed)
        for wake in wakes.values { wake.signal() }
    }

    private enum Event: Sendable { case jobDone, wake }

    /// One queue's loop: fetch into free slots, run, repeat; wait for a wake-up when empty.
    func produce(queue: String, limit: Int) async {
        let wake = wakes[queue]!
        let refill = max(1, limit / 2)
        await withTaskGroup(of: Event.self) { group in
            var active = 0
            var waiting = false
            var forceFetch = true
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                let free = limit - active
                if free > 0 && (forceFetch || free >= refill) {
                    forceFetch = false
                    let jobs = await fetch(queue: queue, limit: free)
                    for job in jobs {
                        active += 1
                        group.addTask {
                            await self.execute(job); return .jobDone
                        }
                    }
                    if jobs.count == free { continue }  // a full batch: there may be more
                }
                if !waiting {
                    waiting = true
                    let poll = configuration.pollInterval
                    group.addTask {
                        await wake.wait(timeout: poll); return .wake
                    }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .jobDone: active -= 1
                case .wake: waiting = false; forceFetch = true
                }
            }
            // Shutdown: let running jobs finish within the grace period, then cancel them
            // (they go back to the queue for retry).
            let grace = configuration.shutdownGrace
            let drain = Task { [self] in
                try? await Task.sleep(for: grace)
                if Task.isCancelled { return }
                let tasks = self.running.withLock { $0.values.map(\.task) }
                if !tasks.isEmpty {
                    logger.warning("cancelling running jobs after the grace period", metadata: ["queue": "\(queue)", "count": "\(tasks.count)"])
                }
                for task in tasks { task.cancel() }
            }
            while active > 0, let event = await group.next() {
                if case .jobDone = event { active -= 1 }
            }
            drain.cancel()
            group.cancelAll()
        }
    }

    /// A fetched job, as the executor needs it.
    struct FetchedJob: Sendable {
        let id: Int64, kind: String, queue: String, args: String, attempt: Int, maxAttempts: Int, pipelineRun: Int64?
    }

    /// Locks up to `limit` available jobs of the queue and marks them running, in one
    /// statement. SKIP LOCKED lets concurrent workers take disjoint rows without waiting;
    /// MATERIALIZED keeps PostgreSQL from re-running the locking subquery per row.
    func fetch(queue: String, limit: Int) async -> [FetchedJob] {
        do {
            return try await Deadline.run(limit: configuration.statementDeadline) { [self] in
                let rows = try await client.query(
                    """
                    WITH durability AS MATERIALIZED (
                        -- This transaction's commit need not wait for the disk: if PostgreSQL
                        -- crashes first, the jobs are simply available again (at-least-once).
                        SELECT set_config('synchronous_commit', 'off', true)
                    ), locked AS MATERIALIZED (
                        SELECT id FROM jobs
                         WHERE state = 'available' AND queue = \(queue) AND scheduled_at <= now()
                         ORDER BY priority, scheduled_at, id
                         LIMIT \(limit)
                         FOR UPDATE SKIP LOCKED
                    )
                    UPDATE jobs j
                       SET state = 'running', attempt = j.attempt + 1, attempted_at = now(),
                           attempted_by = \(configuration.workerID), heartbeat_at = now()
                      FROM locked, durability WHERE j.id = locked.id
                    RETURNING j.id, j.kind, j.args::text, j.attempt::int, j.max_attempts::int, j.pipeline_run
                    """, logger: logger)
                var jobs: [FetchedJob] = []
                for try await (id, kind, args, attempt, maxAttempts, run) in rows.decode((Int64, String, String, Int, Int, Int64?).self) {
                    jobs.append(FetchedJob(id: id, kind: kind, queue: queue, args: args, attempt: attempt, maxAttempts: maxAttempts, pipelineRun: run))
                }
                return jobs
            }
        } catch {
            logger.error("fetch failed", metadata: ["queue": "\(queue)", "error": "\(String(reflecting: error))"])
            try? await Task.sleep(for: .milliseconds(500))
            return []
        }
    }

    /// Runs one attempt with its timeout and hands the result to the completer.
    func execute(_ job: FetchedJob) async {
        let policy = catalog.policy(for: job.kind)
        // The job's logger (with its metadata) is built only when something logs: attaching
        // metadata costs a handler such as StreamLogHandler a formatting pass, which was
        // more than the rest of a no-op job.
        let context = JobContext(
            jobID: job.id, kind: job.kind, queue: job.queue, attempt: job.attempt, maxAttempts: job.maxAttempts,
            pipelineRun: job.pipelineRun, logger: logger)
        let start = ContinuousClock.now
        let outcome: Result<Void, any Error>
        if let handler = workers.handlers[job.kind] {
            outcome = await runWithTimeout(id: job.id, attempt: job.attempt, seconds: policy.timeoutSeconds) {
                try await handler(job.args, context)
            }
        } else {
            // A kind this process does not know (a newer release's, during a rolling deploy):
            // put back for later without counting the attempt, never discarded here.
            logger.warning(
                "no worker for this job kind in this process; snoozed",
                metadata: [
                    "job_id": "\(job.id)", "job_kind": "\(job.kind)",
                ])
            outcome = .failure(JobSnooze(seconds: Self.unknownKindSnoozeSeconds))
        }
        let elapsed = ContinuousClock.now - start
        record(kind: job.kind, queue: job.queue, outcome: outcome, elapsed: elapsed)
        switch outcome {
        case .success:
            completer.add(.completed(id: job.id, attempt: job.attempt))
            if logger.logLevel <= .debug {
                context.logger.debug("job completed", metadata: ["duration_ms": "\(elapsed.milliseconds)"])
            }
        case .failure(let error as JobSnooze):
            completer.add(.snoozed(id: job.id, attempt: job.attempt, until: Date().addingTimeInterval(error.seconds)))
        case .failure(let error as AttemptInterrupted) where error.byShutdown:
            // Not the job's fault: available again at once, the attempt not counted.
            completer.add(.givenBack(id: job.id, attempt: job.attempt))
            context.logger.notice("job interrupted by shutdown, given back", metadata: ["duration_ms": "\(elapsed.milliseconds)"])
        case .failure(let error):
            let permanent = error is JobCancel
            let last = job.attempt >= job.maxAttempts
            let retryAt: Date? = permanent || last ? nil : Date().addingTimeInterval(policy.backoff.delay(afterAttempt: job.attempt))
            let message = (error as? JobCancel)?.reason ?? String(describing: error)
            completer.add(.failed(id: job.id, attempt: job.attempt, error: message, failedAt: Date(), retryAt: retryAt))
            context.logger.warning(
                retryAt == nil ? "job discarded" : "job failed, will retry",
                metadata: [
                    "error": "\(String(reflecting: error))", "duration_ms": "\(elapsed.milliseconds)",
                ])
        }
        finishedCount.add(1, ordering: .relaxed)
    }

    /// `conoceles_job_runs_total{kind,queue,result}` and `conoceles_job_run_duration_seconds{kind}`.
    func record(kind: String, queue: String, outcome: Result<Void, any Error>, elapsed: Duration) {
        let result: String
        switch outcome {
        case .success: result = "completed"
        case .failure(is JobSnooze): result = "snoozed"
        case .failure(is JobCancel): result = "cancelled"
        case .failure: result = "failed"
        }
        let factory = configuration.metricsFactory
        Counter(label: "conoceles_job_runs_total", dimensions: [("kind", kind), ("queue", queue), ("result", result)], factory: factory)
            .increment()
        Metrics.Timer(label: "conoceles_job_run_duration_seconds", dimensions: [("kind", kind)], factory: factory)
            .recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    /// How long a job of a kind this process has no worker for waits before another try
    /// (default 60 s): a process of the release that knows it will take it meanwhile.
    static let unknownKindSnoozeSeconds: Double = 60

    /// Timed out, cancelled by the heartbeat (job cancelled by staff) or by shutdown.
    struct AttemptInterrupted: Error, CustomStringConvertible {
        let description: String
        /// Whether this process's shutdown stopped it (the attempt is given back).
        var byShutdown = false
    }

    /// An attempt in progress: its task, so it can be cancelled by id, and its deadline.
    struct RunningAttempt: Sendable {
        /// The attempt number (a job rescued from a stuck attempt may run here again).
        let attempt: Int
        let task: Task<Result<Void, any Error>, Never>
        let deadline: ContinuousClock.Instant
        /// What the executor waits on: the task's result, or abandonment.
        let outcome: AttemptOutcome
        /// Set by `enforceTimeouts()` when it cancels the task.
        var timedOut = false
        /// When `enforceTimeouts()` first saw the task cancelled.
        var cancelledSeen: ContinuousClock.Instant? = nil
    }

    /// The result of one attempt, delivered once: by its task when it ends, or by
    /// `enforceTimeouts()` when the attempt ignored its cancellation for `abandonAfter`.
    typealias AttemptOutcome = Deadline.Outcome<Void>

    /// Runs `body` in its own task so it can be cancelled by id; fails after `seconds`
    /// (`enforceTimeouts()` cancels it).
    func runWithTimeout(
        id: Int64, attempt number: Int, seconds: Double,
        _ body: @escaping @Sendable () async throws -> Void
    ) async -> Result<Void, any Error> {
        let outcome = AttemptOutcome()
        let task = Task<Result<Void, any Error>, Never> {
            let result: Result<Void, any Error>
            do { try await body(); result = .success(()) } catch { result = .failure(error) }
            outcome.deliver(result)
            return result
        }
        running.withLock { $0[id] = RunningAttempt(attempt: number, task: task, deadline: .now + .seconds(seconds), outcome: outcome) }
        let result = await withTaskCancellationHandler {
            await outcome.value()
        } onCancel: {
            task.cancel()
        }
        // Only this attempt's entry: a stuck earlier attempt of the same job leaves the newer one.
        let attempt = running.withLock { running in running[id]?.attempt == number ? running.removeValue(forKey: id) : nil }
        let wasCancelled = task.isCancelled
        if attempt?.timedOut == true {
            return .failure(AttemptInterrupted(description: "timeout: the attempt ran longer than \(seconds) s"))
        }
        if wasCancelled || Task.isCancelled, case .failure = result {
            return .failure(
                AttemptInterrupted(
                    description: "interrupted: the worker stopped the attempt (shutdown or cancellation)",
                    byShutdown: stopping.load(ordering: .relaxed)))
        }
        return result
    }

    /// Cancels the attempts past their deadline, every `timeoutCheckInterval`. One loop for
    /// all attempts: a timer task per attempt cost a dispatch timer (and a wake-up of
    /// dispatch's manager thread) per job.
    /// Also gives up on attempts that ignore their cancellation for `abandonAfter` (a call
    /// already in flight on a dead connection): the executor gets a failure and frees the
    /// slot, the task is left to end on its own, and shutdown is not held up by it.
    func enforceTimeouts() async {
        let abandonAfter = configuration.abandonAfter
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.timeoutCheckInterval)
            let now = ContinuousClock.now
            let (expired, abandoned) = running.withLock { running -> ([Task<Result<Void, any Error>, Never>], [(Int64, AttemptOutcome)]) in
                var expired: [Task<Result<Void, any Error>, Never>] = [], abandoned: [(Int64, AttemptOutcome)] = []
                for (id, attempt) in running {
                    if attempt.deadline <= now && !attempt.timedOut {
                        running[id]?.timedOut = true
                        expired.append(attempt.task)
                    } else if attempt.task.isCancelled {
                        let seen = attempt.cancelledSeen ?? now
                        running[id]?.cancelledSeen = seen
                        if now - seen >= abandonAfter { abandoned.append((id, attempt.outcome)) }
                    }
                }
                return (expired, abandoned)
            }
            for task in expired { task.cancel() }
            for (id, outcome) in abandoned {
                logger.error("an attempt ignored its cancellation; abandoned (its job is retried)", metadata: ["job_id": "\(id)"])
                outcome.deliver(
                    .failure(
                        AttemptInterrupted(
                            description: "abandoned: the attempt ignored its cancellation for \(abandonAfter)",
                            byShutdown: stopping.load(ordering: .relaxed))))
            }
        }
    }

    /// LISTEN on a pooled connection, or on the direct `listenConnection` when one is set;
    /// wakes the queue named in each notification. Reconnects.
    func listen() async {
        var failures = 0
        while !Task.isCancelled && !stopping.load(ordering: .relaxed) {
            do {
                if let direct = configuration.listenConnection {
                    let connection = try await PostgresConnection.connect(configuration: direct, id: 0, logger: logger)
                    do {
                        try await wakeOnNotifications(from: connection) { failures = 0 }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } else {
                    try await client.withConnection { connection in
                        try await wakeOnNotifications(from: connection) { failures = 0 }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("listen failed; polling meanwhile", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .milliseconds(min(10_000, 200 * (1 << min(failures, 6)))))
            }
        }
    }

    /// LISTENs on `connection` until it fails; `listening` runs once the LISTEN is in place.
    private func wakeOnNotifications(from connection: PostgresConnection, listening: () -> Void) async throws {
        try await connection.listen(on: JobClient.channel) { notifications in
            listening()
            for try await notification in notifications {
                self.wakes[notification.payload]?.signal()
            }
        }
    }

    /// Touches the heartbeat of this process's jobs: attempts running within their timeout,
    /// and finished ones whose result is not written yet. An attempt past its timeout is left
    /// out even if its work ignores the cancellation (a call already in flight): the rescuer
    /// then takes the job for another process, and this one logs that it has work stuck. A
    /// job no longer running for us (cancelled by staff, or rescued after a stall) has its
    /// attempt cancelled here.
    func heartbeat() async {
        var reportedStuck: Set<Int64> = []
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.heartbeatInterval)
            if Task.isCancelled { return }
            let (live, stuck) = running.withLock { running in
                (running.filter { !$0.value.timedOut }.map(\.key), running.filter { $0.value.timedOut }.map(\.key))
            }
            for id in stuck where reportedStuck.insert(id).inserted {
                logger.error("a timed-out attempt ignores its cancellation; its job is left for the rescuer", metadata: ["job_id": "\(id)"])
            }
            if let limit = configuration.exitWhenStuckAfter, let stuck = completer.failingFor, stuck > limit {
                logger.critical(
                    "job results could not be written for too long; exiting so that the supervisor restarts this process",
                    metadata: ["seconds": "\(stuck.components.seconds)"])
                exit(75)
            }
            let finishing = completer.pendingIDs
            let ids = Array(Set(live).union(finishing))
            guard !ids.isEmpty else { continue }
            do {
                // The rows are locked in id order, as the completer locks them (no deadlock).
                let alive: Set<Int64> = try await Deadline.run(limit: configuration.statementDeadline) { [self] in
                    let rows = try await client.query(
                        """
                        UPDATE jobs SET heartbeat_at = now()
                         WHERE id IN (SELECT id FROM jobs
                                       WHERE id = ANY(\(ids)::bigint[]) AND state = 'running'
                                         AND attempted_by = \(configuration.workerID)
                                       ORDER BY id FOR UPDATE)
                        RETURNING id
                        """, logger: logger)
                    var alive: Set<Int64> = []
                    for try await id in rows.decode(Int64.self) { alive.insert(id) }
                    return alive
                }
                let lost = running.withLock { running in ids.filter { !alive.contains($0) }.compactMap { running[$0]?.task } }
                for task in lost { task.cancel() }
            } catch {
                logger.warning("heartbeat failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
