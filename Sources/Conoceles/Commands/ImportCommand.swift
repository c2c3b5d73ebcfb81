import ArgumentParser
import ConocelesJobs
import Foundation
import JobQueue

/// `conoceles import candidacies FILE.csv`: registration events from a CSV batch.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importa datos por lotes / batch imports.",
        subcommands: [Candidacies.self])

    struct Candidacies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa eventos de candidaturas desde un CSV / import candidacy events from a CSV file.",
            discussion: """
                Una fila por evento, con encabezado. Columnas: \(CandidacyCSVImport.columns.joined(separator: ", ")).
                type: candidacy.approved, candidacy.updated, candidacy.substituted o candidacy.cancelled.
                Cada fila se valida igual que en la API; las inválidas se reportan con su número de fila y no se
                guardan. Un event_id ya recibido con el mismo contenido no tiene un segundo efecto.
                """)

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Archivo CSV en UTF-8 / UTF-8 CSV file.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("No se puede leer «\(file)».")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("«\(file)» no está en UTF-8; guárdelo como «CSV UTF-8».")
            }
            let runtime = try await Runtime.load(options, label: "import")
            let (catalog, _) = runtime.loadQueueDefinitions()
            let file = self.file
            try await runtime.withDatabase {
                let importer = CandidacyCSVImport(
                    client: runtime.database.client, processID: runtime.process.id,
                    jobs: JobClient(client: runtime.database.client, catalog: catalog, logger: runtime.logger),
                    logger: runtime.logger)
                let summary: CandidacyCSVImport.Summary
                do {
                    let bar = ProgressBar(label: "Importando filas")
                    summary = try await importer.run(csv: text) { done, total in bar.show(done, of: total) }
                    bar.finish()
                } catch let error as CandidacyCSVImport.ImportError {
                    throw ValidationError(error.description)
                }
                print("Archivo: \(file)")
                print("Filas: \(summary.rows); guardadas: \(summary.stored); repetidas sin efecto: \(summary.duplicates); "
                      + "con conflicto: \(summary.conflicts.count); inválidas: \(summary.invalid.count)")
                for report in summary.conflicts + summary.invalid {
                    print("  fila \(report.row)\(report.eventID.map { " (\($0))" } ?? ""): \(report.messages.joined(separator: " "))")
                }
                if !summary.invalid.isEmpty || !summary.conflicts.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
