import ArgumentParser

/// The `conoceles` command: one binary for the server, the workers and the operator's tasks.
@main
struct ConocelesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conoceles",
        abstract: "Conóceles: perfiles verificados de las candidaturas / verified candidacy profiles.",
        discussion: """
            La configuración se lee de config/conoceles.yaml; cada clave se puede sustituir con una
            variable de entorno (database.url → CONOCELES_DATABASE_URL).
            Configuration comes from config/conoceles.yaml; every key can be overridden by an
            environment variable (database.url → CONOCELES_DATABASE_URL).
            """,
        subcommands: [
            UpCommand.self, ServeCommand.self, WorkCommand.self, MigrateCommand.self, JobsCommand.self, PhotoCommand.self, DemoCommand.self, ImportCommand.self,
            AccountsCommand.self, PrivacyCommand.self, BenchCommand.self, KeysCommand.self, ExportCommand.self, PublicationCommand.self,
        ]
    )
}
