import ArgumentParser
import ConocelesJobs
import Foundation
import Storage

/// `conoceles bench portal …`: the portal benchmark's steps that run inside the application
/// (`scripts/bench/portal` drives them, then wrk and nginx).
struct BenchPortalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Portal público: datos sintéticos y reconstrucciones / public portal: seed and rebuilds.",
        subcommands: [Seed.self, Rebuild.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carga N candidaturas aprobadas con perfil publicado en una base vacía / load N published candidacies.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Candidaturas / candidacies.") var candidacies = 30_000
        @Option(help: "Semilla / seed.") var seed: UInt64 = 2024

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "bench.portal")
            let cipher = try SensitiveDataCipher(security: runtime.configuration.security)
            let election = DemoElection(process: runtime.process, catalogs: runtime.catalogs, seed: seed, scale: .national)
            let count = candidacies
            try await runtime.withDatabase {
                let bar = ProgressBar(label: "Candidaturas publicadas sintéticas")
                let started = Date()
                let loaded = try await DemoLoader(client: runtime.database.client, cipher: cipher, logger: runtime.logger)
                    .loadPublished(election, count: count) { done, total in bar.show(done, of: total) }
                bar.finish()
                print("seed candidacies=\(loaded) seconds=\(String(format: "%.1f", Date().timeIntervalSince(started)))")
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mide la reconstrucción completa y la de un perfil / time the full and one-profile rebuilds.")
        @OptionGroup var options: GlobalOptions
        @Option(
            help:
                "Reconstrucciones completas (se informa la más lenta) / full rebuilds (the slowest is reported: on a fresh seed the first, which writes every row)."
        ) var full = 2
        @Flag(inversion: .prefixedNo, help: "Una reconstrucción más con todas las filas cambiadas / one more full rebuild with every row changed.")
        var everyRowChanged = true
        @Option(help: "Reconstrucciones de un perfil de cada tipo / one-profile refreshes of each kind.") var refreshes = 20

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "bench.portal")
            let cipher = try SensitiveDataCipher(security: runtime.configuration.security)
            let (full, everyRowChanged, refreshes) = (self.full, self.everyRowChanged, self.refreshes)
            try await runtime.withDatabase {
                let benchmark = PortalRebuildBenchmark(
                    client: runtime.database.client, cipher: cipher, process: runtime.process, catalogs: runtime.catalogs,
                    logger: runtime.logger)
                for line in try await benchmark.run(fullRebuilds: full, everyRowChanged: everyRowChanged, refreshes: refreshes) { print(line) }
            }
        }
    }
}
