import ArgumentParser
import ConocelesConfig
import Foundation
import Logging
import ConocelesJobs
import Storage

/// `conoceles bench queue`: bulk enqueue throughput, drain throughput and enqueue-to-start
/// latency of the job queue, against the database of `--database-url`. It empties the
/// `jobs` table between phases, so it refuses a database whose name lacks "bench" unless
/// `--force` is given. Prints one `key=value` line per measurement (see `QueueBenchmark`).
struct BenchQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Mide la cola de trabajos / measure the job queue (enqueue, drain, latency).")

    @Option(name: .customLong("database-url"), help: "postgres://… (default: $CONOCELES_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Jobs per drain (and for the bulk enqueue).")
    var jobs: Int = 100_000

    @Option(help: "Jobs per enqueue transaction (COPY; the first round also with insertMany).")
    var chunk: Int = 5_000

    @Option(help: "Queue concurrencies to drain with, comma-separated; the fetch batch is the free slots, so this is also the largest batch.")
    var concurrency: String = "100,1000"

    @Option(name: .customLong("latency-samples"), help: "Single inserts on an idle queue for the latency phase (0 skips it).")
    var latencySamples: Int = 500

    @Option(name: .customLong("latency-interval-ms"), help: "Pause between the latency inserts.")
    var latencyIntervalMs: Int = 5

    @Option(name: .customLong("latency-concurrency"), help: "Queue concurrency during the latency phase.")
    var latencyConcurrency: Int = 10

    @Flag(help: "Run even when the database's name does not contain \"bench\" (the jobs table is emptied).")
    var force = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func run() async throws {
        let concurrencies = concurrency.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !concurrencies.isEmpty, concurrencies.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--concurrency must list positive integers, e.g. 100,1000")
        }
        guard jobs > 0, chunk > 0, latencySamples >= 0, latencyIntervalMs >= 0, latencyConcurrency > 0 else {
            throw ValidationError("--jobs, --chunk and --latency-concurrency must be positive")
        }
        guard let text = databaseURL ?? ProcessInfo.processInfo.environment["CONOCELES_DATABASE_URL"], !text.isEmpty else {
            throw ValidationError("give --database-url or set CONOCELES_DATABASE_URL")
        }
        let url: DatabaseURL
        do {
            url = try DatabaseURL(parsing: text)
        } catch {
            throw ValidationError("--database-url: \(error.reason)")
        }
        guard force || url.database.contains("bench") else {
            throw ValidationError("refusing to empty the jobs table of database \"\(url.database)\": use a bench database or pass --force")
        }

        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "conoceles.bench")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        let endpoint = DatabaseEndpoint(url)
        try await Database.preflight(endpoint, logger: logger)

        let benchmark = QueueBenchmark(
            endpoint: endpoint,
            settings: QueueBenchmark.Settings(
                jobs: jobs, chunk: chunk, concurrencies: concurrencies, latencySamples: latencySamples,
                latencyInterval: .milliseconds(latencyIntervalMs), latencyConcurrency: latencyConcurrency),
            logger: logger)
        try await benchmark.run()
    }
}
