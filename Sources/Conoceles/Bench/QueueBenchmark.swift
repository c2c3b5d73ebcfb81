import Foundation
import JobQueue
import Logging
import PostgresNIO
import Storage
import Synchronization

/// Measures the job queue on a real PostgreSQL, the way `scripts/bench/queue` compares it
/// with its peers: bulk enqueue throughput, drain throughput of no-op jobs, and
/// enqueue-to-start latency on an idle queue. Each measurement prints one line
/// `engine <phase> key=value …` on standard output.
///
/// The worker and the enqueuer use separate connection pools, as a web process and a worker
/// process would. The `jobs` table is emptied (TRUNCATE) before each phase.
struct QueueBenchmark: Sendable {
    struct Settings: Sendable {
        /// Jobs enqueued and drained per drain round.
        var jobs: Int
        /// Jobs per `insertMany` statement.
        var chunk: Int
        /// One drain round per queue concurrency.
        var concurrencies: [Int]
        var latencySamples: Int
        var latencyInterval: Duration
        var latencyConcurrency: Int
    }

    static let queue = "bench"
    static let kind = "bench.noop"

    let endpoint: DatabaseEndpoint
    let settings: Settings
    let logger: Logger

    func run() async throws {
        try await withDatabase { database in
            try await ApplicationSchema.migrator().migrate(database.client, logger: logger)
            for (name, value) in try await serverSettings(database) {
                report("postgres", ["setting": name, "value": value])
            }
        }
        for (round, concurrency) in settings.concurrencies.enumerated() {
            try await withDatabase { database in
                try await reset(database)
                if round == 0 {
                    // The parameter-array path (`insertMany`, returns ids), for comparison.
                    let cpuBefore = Self.processCPUSeconds()
                    let unnest = try await enqueueBulk(database, fast: false)
                    report(
                        "enqueue_unnest",
                        [
                            "round": "\(round + 1)", "jobs": "\(settings.jobs)", "chunk": "\(settings.chunk)",
                            "seconds": Self.format(unnest.asSeconds, 3), "jobs_per_s": "\(Int(Double(settings.jobs) / unnest.asSeconds))",
                            "client_cpu_s": Self.format(Self.processCPUSeconds() - cpuBefore, 2),
                        ])
                    try await reset(database)
                }
                let cpuBefore = Self.processCPUSeconds()
                let enqueue = try await enqueueBulk(database, fast: true)
                let cpu = Self.processCPUSeconds() - cpuBefore
                report(
                    "enqueue",
                    [
                        "round": "\(round + 1)", "jobs": "\(settings.jobs)", "chunk": "\(settings.chunk)",
                        "seconds": Self.format(enqueue.asSeconds, 3), "jobs_per_s": "\(Int(Double(settings.jobs) / enqueue.asSeconds))",
                        "client_cpu_s": Self.format(cpu, 2),
                    ])
                try await JobClient(client: database.client, logger: logger).analyze()
            }
            let transactionsBefore = try await withDatabase { try await committedTransactions($0) }
            let cpuBefore = Self.processCPUSeconds()
            let drain = try await drain(concurrency: concurrency)
            let cpu = Self.processCPUSeconds() - cpuBefore
            let transactions = try await withDatabase { try await committedTransactions($0) } - transactionsBefore
            report(
                "drain",
                [
                    "concurrency": "\(concurrency)", "jobs": "\(settings.jobs)", "seconds": Self.format(drain.asSeconds, 3),
                    "jobs_per_s": "\(Int(Double(settings.jobs) / drain.asSeconds))",
                    "transactions": "\(transactions)", "jobs_per_transaction": Self.format(Double(settings.jobs) / Double(max(transactions, 1)), 1),
                    "client_cpu_s": Self.format(cpu, 2),
                ])
        }
        if settings.latencySamples > 0 {
            let latency = try await latency()
            for (origin, samples) in [("insert_issued", latency.fromIssued), ("insert_returned", latency.fromReturned)] {
                report(
                    "latency",
                    [
                        "from": origin, "samples": "\(samples.count)", "interval_ms": "\(settings.latencyInterval.milliseconds)",
                        "concurrency": "\(settings.latencyConcurrency)",
                        "p50_ms": Self.format(Self.percentile(samples, 0.50), 3), "p90_ms": Self.format(Self.percentile(samples, 0.90), 3),
                        "p99_ms": Self.format(Self.percentile(samples, 0.99), 3), "max_ms": Self.format(samples.max() ?? 0, 3),
                    ])
            }
        }
    }

    // MARK: Phases

    /// Inserts `settings.jobs` no-op jobs, `settings.chunk` per transaction, with
    /// `insertManyFast` (COPY) or `insertMany` (one `unnest` statement).
    func enqueueBulk(_ database: Database, fast: Bool) async throws -> Duration {
        let client = JobClient(client: database.client, logger: logger)
        let chunk = (0..<min(settings.chunk, settings.jobs)).map { _ in Self.newJob() }
        let start = ContinuousClock.now
        var left = settings.jobs
        while left > 0 {
            let n = min(left, chunk.count)
            let batch = n == chunk.count ? chunk : Array(chunk.prefix(n))
            if fast { try await client.insertManyFast(batch) } else { try await client.insertMany(batch) }
            left -= n
        }
        return ContinuousClock.now - start
    }

    /// Runs a processor with a no-op worker on the loaded queue, from its start until every
    /// job is completed in the database (the processor has shut down and flushed its results).
    func drain(concurrency: Int) async throws -> Duration {
        let workers = Self.workers { _ in }
        let elapsed = try await withDatabase { database in
            let processor = makeProcessor(database, workers: workers, concurrency: concurrency)
            let start = ContinuousClock.now
            let runner = Task { try await processor.run() }
            while processor.finishedCount.load(ordering: .relaxed) < settings.jobs {
                try await Task.sleep(for: .milliseconds(5))
            }
            processor.beginShutdown()
            try await runner.value
            let elapsed = ContinuousClock.now - start
            let completed = try await JobClient(client: database.client, logger: logger).count(state: .completed)
            guard completed == settings.jobs else {
                throw BenchmarkFailed("drain at concurrency \(concurrency): \(completed) of \(settings.jobs) jobs completed")
            }
            return elapsed
        }
        return elapsed
    }

    /// Milliseconds from each single insert (issued, and returned) to its handler's start.
    struct Latencies {
        var fromIssued: [Double] = []
        var fromReturned: [Double] = []
    }

    /// Single inserts spaced `latencyInterval` apart into an idle queue worked by a running
    /// processor; the handler notes when it starts. A few warm-up jobs go first (the
    /// processor's LISTEN connection is up once they have run).
    func latency() async throws -> Latencies {
        let starts = Mutex<[Int64: ContinuousClock.Instant]>([:])
        let workers = Self.workers { jobID in
            let now = ContinuousClock.now
            starts.withLock { $0[jobID] = now }
        }
        let warmUp = 20
        return try await withDatabase { workerDatabase in
            try await reset(workerDatabase)
            let processor = makeProcessor(workerDatabase, workers: workers, concurrency: settings.latencyConcurrency)
            let runner = Task { try await processor.run() }
            let result = try await withDatabase { clientDatabase in
                let client = JobClient(client: clientDatabase.client, logger: logger)
                var sent: [(id: Int64, issued: ContinuousClock.Instant, returned: ContinuousClock.Instant)] = []
                for i in 0..<(warmUp + settings.latencySamples) {
                    if i == warmUp {
                        try await waitFor(processor, finished: warmUp)
                    }
                    let issued = ContinuousClock.now
                    let id = try await client.insert(Self.newJob()).id
                    let returned = ContinuousClock.now
                    if i >= warmUp { sent.append((id, issued, returned)) }
                    try await Task.sleep(for: settings.latencyInterval)
                }
                try await waitFor(processor, finished: warmUp + settings.latencySamples)
                let started = starts.withLock { $0 }
                var latencies = Latencies()
                for job in sent {
                    guard let start = started[job.id] else { throw BenchmarkFailed("job \(job.id) never started") }
                    latencies.fromIssued.append((start - job.issued).fractionalMilliseconds)
                    latencies.fromReturned.append((start - job.returned).fractionalMilliseconds)
                }
                return latencies
            }
            processor.beginShutdown()
            try await runner.value
            return result
        }
    }

    // MARK: Helpers

    func makeProcessor(_ database: Database, workers: JobWorkers, concurrency: Int) -> JobProcessor {
        let configuration = JobProcessor.Configuration(queues: [Self.queue: concurrency])
        return JobProcessor(
            client: database.client, catalog: JobCatalog(queues: [Self.queue: concurrency]), workers: workers,
            configuration: configuration, logger: logger)
    }

    /// Waits (polling every 5 ms) until the processor has finished `finished` attempts.
    func waitFor(_ processor: JobProcessor, finished: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while processor.finishedCount.load(ordering: .relaxed) < finished {
            guard ContinuousClock.now < deadline else {
                throw BenchmarkFailed("only \(processor.finishedCount.load(ordering: .relaxed)) of \(finished) jobs ran within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A no-op worker for the bench kind that calls `started` with the job's id.
    static func workers(_ started: @escaping @Sendable (Int64) -> Void) -> JobWorkers {
        var workers = JobWorkers()
        workers.register(kind: kind) { _, context in started(context.jobID) }
        return workers
    }

    static func newJob() -> NewJob {
        NewJob(kind: kind, queue: queue)
    }

    func reset(_ database: Database) async throws {
        try await JobClient(client: database.client, logger: logger).truncateForBenchmark()
    }

    func serverSettings(_ database: Database) async throws -> [(String, String)] {
        var settings: [(String, String)] = []
        for try await (name, value) in try await database.client.query(
            """
            SELECT name, current_setting(name) FROM pg_settings
             WHERE name IN ('server_version', 'synchronous_commit', 'fsync', 'full_page_writes', 'shared_buffers',
                            'wal_level', 'max_wal_size', 'work_mem')
             ORDER BY name
            """, logger: logger
        ).decode((String, String).self) {
            settings.append((name, value))
        }
        return settings
    }

    /// Transactions committed in this database so far. A backend reports its counts when it
    /// exits (or at most once a second while busy), so this first waits until every other
    /// connection to the database has closed.
    func committedTransactions(_ database: Database) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await count(
            database,
            """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """) > 0, ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await count(
            database,
            """
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())::int8
            """)
    }

    /// User plus system CPU time of this process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func count(_ database: Database, _ sql: String) async throws -> Int {
        var n = 0
        for try await c in try await database.client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { n = c }
        return n
    }

    /// Runs `body` while a fresh pool on the endpoint runs.
    func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        // The pool's own warnings ("run() hasn't been called yet" while it starts) are noise here.
        var poolLogger = logger
        poolLogger.logLevel = .error
        let database = Database(endpoint: endpoint, maximumConnections: 20, logger: poolLogger)
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        return try await body(database)
    }

    func report(_ phase: String, _ fields: KeyValuePairs<String, String>) {
        let line = (["engine", phase] + fields.map { "\($0.key)=\($0.value)" }).joined(separator: " ") + "\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    /// Nearest-rank percentile of unsorted samples.
    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

/// A benchmark run that could not measure what it set out to (jobs lost or stuck).
struct BenchmarkFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var asSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var fractionalMilliseconds: Double { asSeconds * 1_000 }
    fileprivate var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
