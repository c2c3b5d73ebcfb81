import ArgumentParser
import ConocelesJobs
import Foundation
import Storage

extension KeysCommand {
    /// `conoceles keys rotate [--dry-run]`: re-seals with the current key every identity
    /// questionnaire and consent document that an older key (from `security.previous_keys`)
    /// sealed, in pages of `--batch-size` rows, with a progress bar; ends with a Spanish
    /// summary, exit code 1 when a value does not open. Resumable: run it again at will.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vuelve a cifrar con la llave vigente lo cifrado con llaves anteriores / re-seals old values with the current key.",
            discussion: """
                Abre con su llave anterior (security.previous_keys) cada cuestionario de identidad y cada documento de \\
                consentimiento que no esté cifrado con security.encryption_key, y lo vuelve a cifrar con ésta, por lotes \\
                de --batch-size filas, sin sobrescribir lo que una persona guarde mientras tanto. Se puede interrumpir y \\
                repetir: una segunda ejecución no vuelve a cifrar nada. Informa (identificador y motivo, nunca el \\
                contenido) los datos que no abren con ninguna llave configurada y sale entonces con código 1. \\
                Con --dry-run solo cuenta (y prueba que abren); no escribe nada.
                """)
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Solo contar, sin escribir / count only, write nothing.") var dryRun = false
        @Option(help: "Filas por lote y transacción / rows per batch and transaction.") var batchSize = 500

        func validate() throws {
            guard (1...10_000).contains(batchSize) else {
                throw ValidationError("--batch-size debe estar entre 1 y 10000 (se recibió \(batchSize)).")
            }
        }

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "keys")
            let security = runtime.configuration.security
            let cipher = try SensitiveDataCipher(security: security)
            let (dryRun, batchSize) = (self.dryRun, self.batchSize)
            try await runtime.withDatabase(migrate: false) {
                var rotation = SealedValueRotation(
                    client: runtime.database.client, cipher: cipher,
                    blobs: FileBlobStore(root: runtime.configuration.blobsDirectory), logger: runtime.logger)
                rotation.batchSize = batchSize
                let previous = security.previousKeys.keys.sorted()
                print("Llave vigente: \(security.encryptionKeyID); llaves anteriores: \(previous.isEmpty ? "ninguna" : previous.joined(separator: ", "))")
                let bar = ProgressBar(label: dryRun ? "Contando datos por volver a cifrar" : "Volviendo a cifrar con «\(security.encryptionKeyID)»")
                let report = try await rotation.run(dryRun: dryRun, by: .system("cli")) { done, total in bar.show(done, of: total) }
                bar.finish()
                for line in Self.summary(report) { print(line) }
                if !report.allOpened { throw ExitCode(1) }
            }
        }

        /// The Spanish summary of `report`.
        static func summary(_ report: SealedValueRotation.Report) -> [String] {
            guard !report.nothingToDo else {
                return ["Nada que volver a cifrar: todos los datos ya están cifrados con la llave «\(report.keyID)»."]
            }
            var lines: [String] = []
            for (label, tally) in [
                ("Cuestionarios de identidad", report.identityQuestionnaires),
                ("Documentos de consentimiento", report.consentDocuments),
            ] {
                let keys = tally.byOldKey.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                var line = "\(label): \(tally.found) con llaves anteriores\(keys.isEmpty ? "" : " (\(keys))"); "
                line += report.dryRun ? "abren y se volverían a cifrar: \(tally.resealed)" : "vueltos a cifrar: \(tally.resealed)"
                if tally.changedMeanwhile > 0 { line += "; cambiaron durante la rotación (no se sobrescribieron): \(tally.changedMeanwhile)" }
                if tally.skipped > 0 { line += "; pendientes por cambios continuos: \(tally.skipped)" }
                line += "; no abren: \(tally.failed)"
                lines.append(line)
                for failure in tally.failures { lines.append("  no abre \(failure.id): \(failure.reason)") }
            }
            if report.dryRun {
                lines.append("Simulación (--dry-run): no se escribió nada.")
            } else if !report.allOpened {
                lines.append("Algunos datos no abren con ninguna llave configurada: no se tocaron. Agregue su llave a security.previous_keys y repita.")
            } else if report.identityQuestionnaires.skipped + report.consentDocuments.skipped > 0 {
                lines.append("Algunos datos cambiaban sin cesar: vuelva a ejecutar «conoceles keys rotate».")
            } else {
                lines.append("Listo: todo está cifrado con la llave «\(report.keyID)». Confírmelo con «conoceles keys check» antes de retirar las anteriores.")
            }
            return lines
        }
    }
}
