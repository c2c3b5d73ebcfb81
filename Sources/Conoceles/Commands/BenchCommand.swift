import ArgumentParser

/// `conoceles bench`: measurements of the engine against a real PostgreSQL, for
/// `scripts/bench/*` and `docs/BENCHMARKS.md`. They need no configuration file.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Mediciones de rendimiento / performance measurements.",
        subcommands: [BenchQueueCommand.self, BenchPortalCommand.self])
}
