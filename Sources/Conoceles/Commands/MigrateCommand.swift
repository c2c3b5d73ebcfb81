import ArgumentParser
import Storage

/// `conoceles migrate`: applies pending migrations and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Aplica las migraciones pendientes de la base de datos / apply pending migrations.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await Runtime.load(options, label: "migrate")
        try await runtime.withDatabase(migrate: false) {
            let applied = try await runtime.migrate()
            try await ProcessStore(client: runtime.database.client, logger: runtime.logger).register(runtime.process)
            print(applied.isEmpty ? "La base de datos ya está al día." : "Migraciones aplicadas: \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
