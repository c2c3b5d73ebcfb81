import ArgumentParser
import ConocelesJobs
import Foundation
import JobQueue
import Storage

/// `conoceles import candidacies FILE.csv`: registration events from a CSV batch;
/// `conoceles import rejected`: the events the worker rejected, with their reasons.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importa datos por lotes / batch imports.",
        subcommands: [Candidacies.self, Rejected.self])

    struct Candidacies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa eventos de candidaturas desde un CSV / import candidacy events from a CSV file.",
            discussion: """
                Una fila por evento, con encabezado. Columnas: \(CandidacyCSVImport.columns.joined(separator: ", ")).
                type: candidacy.approved, candidacy.updated, candidacy.substituted o candidacy.cancelled.
                Se lee el CSV como lo guarda Excel: UTF-8 (con o sin BOM) o Windows-1252; coma, punto y coma o
                tabulador; cualquier fin de línea. Cada fila se valida igual que en la API y contra el proceso y
                sus catálogos (cargo, partido, distrito, municipio), como lo hará el trabajador. Claves que la hoja
                de cálculo alteró se leen cuando no hay duda (municipio 39 por 039, pan por PAN) y se avisa.
                Si alguna fila tiene un problema no se guarda nada: corrija las filas señaladas y vuelva a
                importar el archivo. Un event_id ya recibido con el mismo contenido no tiene un segundo efecto.
                """)

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Archivo CSV / CSV file.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("No se puede leer «\(file)».")
            }
            let runtime = try await Runtime.load(options, label: "import")
            let (catalog, _) = runtime.loadQueueDefinitions()
            let file = self.file
            try await runtime.withDatabase {
                let importer = CandidacyCSVImport(
                    client: runtime.database.client, process: runtime.process, catalogs: runtime.catalogs,
                    jobs: JobClient(client: runtime.database.client, catalog: catalog, logger: runtime.logger),
                    logger: runtime.logger)
                let summary: CandidacyCSVImport.Summary
                do {
                    let bar = ProgressBar(label: "Importando filas")
                    summary = try await importer.run(csv: Array(data)) { done, total in bar.show(done, of: total) }
                    bar.finish()
                } catch let error as CandidacyCSVImport.ImportError {
                    throw ValidationError(error.description)
                }
                print("Archivo: \(file)")
                print(
                    "Filas: \(summary.rows); guardadas: \(summary.stored); repetidas sin efecto: \(summary.duplicates); "
                        + "con conflicto: \(summary.conflicts.count); inválidas: \(summary.invalid.count)")
                for report in (summary.conflicts + summary.invalid).sorted(by: { $0.row < $1.row }) {
                    print("  fila \(report.row)\(report.eventID.map { " (\($0))" } ?? ""): \(report.messages.joined(separator: " "))")
                }
                if !summary.repaired.isEmpty { print("Claves leídas de otra forma:") }
                for report in summary.repaired {
                    print("  fila \(report.row)\(report.eventID.map { " (\($0))" } ?? ""): \(report.messages.joined(separator: " "))")
                }
                if summary.refused {
                    print("No se guardó ninguna fila: corrija las filas señaladas y vuelva a importar el archivo completo.")
                    throw ExitCode(1)
                }
            }
        }
    }

    struct Rejected: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lista los eventos de registro rechazados / list rejected registration events.",
            discussion: """
                Un renglón por evento rechazado (el más reciente primero): identificador, candidatura, origen
                (api o csv), fecha de recepción y motivo. Para corregir uno, envíe desde el sistema de registro
                (o en un CSV) un evento nuevo, con otro event_id, con los datos corregidos.
                """)

        @OptionGroup var options: GlobalOptions
        @Option(help: "Cuántos mostrar como máximo / at most this many.") var limit = 500

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "import")
            let limit = self.limit
            try await runtime.withDatabase {
                let events = try await RegistrationEventRepository(client: runtime.database.client, logger: runtime.logger)
                    .rejected(processID: runtime.process.id, limit: limit)
                guard !events.isEmpty else {
                    print("No hay eventos rechazados.")
                    return
                }
                print("Eventos rechazados: \(events.count)")
                for line in Self.lines(events) { print(line) }
            }
        }

        /// One tab-separated line per event, the header first.
        static func lines(_ events: [RegistrationEvent]) -> [String] {
            let format = ISO8601DateFormatter()
            return ["evento\tcandidatura\torigen\trecibido\tmotivo"]
                + events.map { event in
                    [
                        event.id, event.candidacyID, event.source.rawValue, format.string(from: event.receivedAt),
                        (event.statusReason ?? "").replacingOccurrences(of: "\n", with: " "),
                    ].joined(separator: "\t")
                }
        }
    }
}
