import ArgumentParser
import ConocelesJobs
import Foundation
import JobArguments
import JobQueue
import Storage

/// `conoceles publication …`: the public site's snapshot from the command line, for staff's scripts.
struct PublicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publication",
        abstract: "Versión pública del sitio / the public site's snapshot.",
        subcommands: [Rebuild.self])

    /// `conoceles publication rebuild [--timeout S]`: asks for a full rebuild (the staff's
    /// "Re-publicar": `publication.rebuild`, unique, so it joins one already waiting), waits
    /// for a worker (`conoceles work` or `up`) to finish it and prints the public version then
    /// current. Exits 1 when the rebuild fails or does not finish within the timeout.
    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconstruye el sitio público, espera la nueva versión y la imprime / rebuild the public site and wait.",
            discussion: "Necesita un trabajador en marcha (conoceles work o conoceles up) que ejecute publication.rebuild.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Segundos máximos de espera / seconds to wait at most.") var timeout: Int = 600

        func validate() throws {
            guard (1...86_400).contains(timeout) else { throw ValidationError("--timeout debe estar entre 1 y 86400 segundos.") }
        }

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "publication")
            let (catalog, _) = runtime.loadQueueDefinitions()
            let timeout = self.timeout
            try await runtime.withDatabase {
                let jobs = JobClient(client: runtime.database.client, catalog: catalog, logger: runtime.logger)
                let publication = PublicationRepository(client: runtime.database.client, logger: runtime.logger)
                let processID = runtime.process.id
                let before = try await publication.current(processID: processID)?.version
                let job = try await PublicationRebuildJob.enqueue(
                    processID: processID, reason: "linea_de_comandos", jobs: jobs, logger: runtime.logger)
                print(
                    "Reconstrucción pedida (trabajo \(job.id)\(job.skippedAsDuplicate ? ", ya estaba en espera" : "")); "
                        + "versión pública actual: \(before.map(String.init) ?? "ninguna").")
                let deadline = ContinuousClock.now + .seconds(timeout)
                // A worker of another process runs the job: its state is read once a second.
                while ContinuousClock.now < deadline {
                    guard let state = try await jobs.job(id: job.id)?.state else { break }
                    switch state {
                    case .completed:
                        guard let current = try await publication.current(processID: processID) else {
                            throw Self.failure("la reconstrucción terminó sin versión pública.")
                        }
                        print("Versión pública \(current.version), construida el \(current.builtAt.formatted(.iso8601)).")
                        return
                    case .discarded, .cancelled:
                        throw Self.failure("la reconstrucción (trabajo \(job.id)) quedó «\(state.rawValue)»; vea conoceles jobs show \(job.id).")
                    default:
                        try await Task.sleep(for: .seconds(1))
                    }
                }
                throw Self.failure(
                    "la reconstrucción no terminó en \(timeout) s. ¿Hay un trabajador en marcha (conoceles work)? "
                        + "El trabajo \(job.id) sigue en la cola.")
            }
        }

        /// Writes `message` to standard error and ends with status 1.
        static func failure(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            return ExitCode(1)
        }
    }
}
