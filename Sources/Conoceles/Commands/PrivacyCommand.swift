import ArgumentParser
import ConocelesJobs
import Foundation
import JobQueue
import Storage

/// `conoceles privacy …`: retention of sensitive data.
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Datos sensibles: supresión al vencer su conservación / sensitive data: retention purge.",
        subcommands: [Purge.self])

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suprime los datos sensibles vencidos / deletes the sensitive data that are due.",
            discussion: """
                Suprime el cuestionario de identidad, los documentos de consentimiento (registros y archivos) y las \
                fotografías (con sus variantes y archivos) de: las candidaturas sustituidas o canceladas hace al menos \
                retention.sensitive_data_days días; y de todas las candidaturas del proceso a partir de las 00:00 (hora \
                del proceso) del día retention.everyone_days_after_election tras la jornada electoral. Al concluir el \
                proceso cada candidatura conserva solo la fotografía de su perfil publicado, en sus versiones \
                reprocesadas (sin metadatos EXIF): el archivo original que se subió se borra. De las candidaturas \
                sustituidas o canceladas se reducen también los eventos del sistema de registro a sus identificadores \
                (sin correo, teléfono ni fecha de nacimiento). Si se suprimieron respuestas de identidad, se pide una \
                reconstrucción de la publicación. Un archivo compartido solo se borra cuando ningún registro lo usa ya. La bitácora registra qué tipo de dato se \
                suprimió, de quién y cuándo, nunca su contenido. Con --dry-run solo muestra lo que se suprimiría.
                """)
        @OptionGroup var options: GlobalOptions
        @Flag(name: .customLong("dry-run"), help: "Solo muestra lo que se suprimiría / only print what would go.")
        var dryRun = false

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "privacy")
            let dryRun = self.dryRun
            try await runtime.withDatabase {
                let process = runtime.process, retention = runtime.configuration.retention
                let (catalog, _) = runtime.loadQueueDefinitions()
                let purge = PrivacyPurgeWorker.purge(
                    client: runtime.database.client, blobs: FileBlobStore(root: runtime.configuration.blobsDirectory),
                    processID: process.id,
                    jobs: JobClient(client: runtime.database.client, catalog: catalog, logger: runtime.logger), logger: runtime.logger)
                let now = Date()
                let end = try await purge.processEnd(
                    electionDay: process.electionDay, timeZone: process.timeZone,
                    everyoneAfterDays: retention.everyoneDaysAfterElection)
                print(
                    "Conservación tras sustitución o cancelación: \(retention.sensitiveDataDays) días. "
                        + "Fin del proceso para todas las candidaturas: \(end.formatted(.iso8601)) "
                        + "(\(retention.everyoneDaysAfterElection) días tras la jornada del \(process.electionDay.spanishDescription)). "
                        + "Formatos de consentimiento expreso: "
                        + (retention.consentDocumentsDays.map { "\($0) días tras la jornada." } ?? "se conservan (retention.consent_documents_days sin valor).")
                )
                let items = try await purge.allDue(
                    processID: process.id, electionDay: process.electionDay, timeZone: process.timeZone,
                    retentionDays: retention.sensitiveDataDays, everyoneAfterDays: retention.everyoneDaysAfterElection,
                    consentDocumentsAfterDays: retention.consentDocumentsDays, now: now)
                var totals = PurgeTotals()
                if dryRun {
                    for item in items {
                        totals.add(item)
                        print(
                            Self.line(
                                item.candidacyID, item.reason, identity: item.identity,
                                documents: item.consentDocuments, photos: item.photos, verb: "se suprimiría"))
                    }
                } else {
                    let bar = ProgressBar(label: "Suprimiendo datos sensibles")
                    var lines: [String] = []
                    for (index, item) in items.enumerated() {
                        let outcome = try await purge.purge(item, by: .system("cli.privacy.purge"), at: now)
                        totals.add(outcome)
                        if !outcome.isEmpty {
                            lines.append(
                                Self.line(
                                    outcome.candidacyID, outcome.reason, identity: outcome.identity,
                                    documents: outcome.consentDocuments + outcome.consentReferences,
                                    photos: outcome.photos, verb: "suprimido"))
                        }
                        bar.show(index + 1, of: items.count)
                    }
                    bar.finish()
                    lines.forEach { print($0) }
                }
                print(
                    "\(dryRun ? "Se suprimirían" : "Suprimidos") datos de \(totals.candidacies) candidaturas "
                        + "(\(totals.withdrawn) sustituidas o canceladas, \(totals.candidacies - totals.withdrawn) por fin del proceso): "
                        + "\(totals.identities) cuestionarios de identidad, \(totals.consentDocuments) documentos de consentimiento, "
                        + "\(totals.photos) fotografías, \(totals.photoOriginals) originales de fotografías publicadas, "
                        + "\(totals.eventBodies) eventos de registro" + (dryRun ? "." : "; \(totals.blobs) archivos borrados."))
            }
        }

        /// One candidacy's line: id, reason in Spanish, and what goes.
        static func line(_ id: String, _ reason: PurgeItem.Reason, identity: Bool, documents: Int, photos: Int, verb: String) -> String {
            var kinds: [String] = []
            if identity { kinds.append("cuestionario de identidad") }
            if documents > 0 { kinds.append("\(documents) documento(s) de consentimiento") }
            if photos > 0 { kinds.append("\(photos) fotografía(s)") }
            return "\(id)\t\(reason.label)\t\(verb): \(kinds.joined(separator: ", "))"
        }
    }
}
