import ArgumentParser
import ConocelesJobs
import Foundation
import JobArguments
import JobQueue

/// `conoceles jobs …`: inspect and steer the job queue.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Consulta y administra la cola de trabajos / inspect and manage the job queue.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Stats.self, Probe.self])

    /// Runs `body` with a JobClient on a running database pool.
    static func withJobs(_ options: GlobalOptions, _ body: @Sendable @escaping (JobClient) async throws -> Void) async throws {
        let runtime = try await Runtime.load(options, label: "jobs")
        let (catalog, _) = runtime.loadQueueDefinitions()
        try await runtime.withDatabase {
            try await body(JobClient(client: runtime.database.client, catalog: catalog, logger: runtime.logger))
        }
    }

    static func line(_ job: Job) -> String {
        let when = job.finalizedAt ?? job.attemptedAt ?? job.scheduledAt
        return "\(job.id)\t\(job.state.rawValue)\t\(job.kind)\t\(job.queue)\tintento \(job.attempt)/\(job.maxAttempts)\t\(when.formatted(.iso8601))"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista trabajos, los más recientes primero / list jobs, newest first.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Estado / state: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
        var state: String?
        @Option(help: "Tipo de trabajo / job kind.") var kind: String?
        @Option(help: "Máximo de filas / maximum rows.") var limit: Int = 50

        func validate() throws {
            if let state, JobState(rawValue: state) == nil {
                throw ValidationError("estado desconocido «\(state)»; use uno de: \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit debe estar entre 1 y 10000") }
        }

        func run() async throws {
            let (state, kind, limit) = (self.state.flatMap(JobState.init), self.kind, self.limit)
            try await withJobs(options) { jobs in
                let list = try await jobs.list(state: state, kind: kind, limit: limit)
                print("id\testado\ttipo\tcola\tintentos\tfecha")
                for job in list { print(JobsCommand.line(job)) }
                if list.isEmpty { print("(sin trabajos)") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra un trabajo con sus errores / show one job with its errors.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Id del trabajo / job id.") var id: Int64

        func run() async throws {
            let id = self.id
            try await withJobs(options) { jobs in
                guard let job = try await jobs.job(id: id) else { throw ValidationError("no existe el trabajo \(id)") }
                print(JobsCommand.line(job))
                print("argumentos: \(job.args)")
                if let by = job.attemptedBy { print("último trabajador: \(by)") }
                if let run = job.pipelineRun { print("flujo: corrida \(run), paso \(job.pipelineStep ?? "?")") }
                for error in job.errors {
                    print("error (intento \(error.attempt), \(error.at.formatted(.iso8601))): \(error.error)")
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reintenta un trabajo descartado o cancelado / retry a job.")
        @OptionGroup var options: GlobalOptions
        @Argument var id: Int64

        func run() async throws {
            let id = self.id
            try await withJobs(options) { jobs in
                let done: Bool
                do {
                    done = try await jobs.retry(id: id)
                } catch let held as JobClient.UniqueKeyHeld {
                    throw ValidationError(held.description)
                }
                guard done else {
                    throw ValidationError("el trabajo \(id) no existe, está en curso, disponible o completado")
                }
                print("Trabajo \(id) disponible de nuevo.")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancela un trabajo pendiente o en curso / cancel a job.")
        @OptionGroup var options: GlobalOptions
        @Argument var id: Int64

        func run() async throws {
            let id = self.id
            try await withJobs(options) { jobs in
                guard try await jobs.cancel(id: id) else { throw ValidationError("el trabajo \(id) no existe o ya terminó") }
                print("Trabajo \(id) cancelado.")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cuenta trabajos por cola, tipo y estado / counts by queue, kind and state.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await withJobs(options) { jobs in
                print("cola\ttipo\testado\ttrabajos")
                for row in try await jobs.stats() { print("\(row.queue)\t\(row.kind)\t\(row.state.rawValue)\t\(row.count)") }
            }
        }
    }

    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encola un trabajo de diagnóstico y espera a que termine / enqueue a probe job and wait for it.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("sleep-ms"), help: "Duración del trabajo en ms.") var sleepMilliseconds: Int = 0
        @Option(help: "Segundos de espera / seconds to wait (0 = no esperar).") var wait: Int = 30

        func run() async throws {
            let (sleep, wait) = (sleepMilliseconds, self.wait)
            try await withJobs(options) { jobs in
                let id = try await jobs.insert(NewJob(ProbeJob(sleepMilliseconds: sleep))).id
                print("Trabajo \(id) encolado.")
                guard wait > 0 else { return }
                let deadline = ContinuousClock.now + .seconds(wait)
                while ContinuousClock.now < deadline {
                    if let job = try await jobs.job(id: id), JobState.finalized.contains(job.state) {
                        print("Trabajo \(id): \(job.state.rawValue) en el intento \(job.attempt).")
                        if job.state != .completed { throw ExitCode(1) }
                        return
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                print("El trabajo \(id) no terminó en \(wait) s: ¿hay procesos `conoceles work` corriendo?")
                throw ExitCode(2)
            }
        }
    }
}
