import ArgumentParser
import ConocelesJobs
import Foundation
import Storage

/// `conoceles keys check`: proves that the configured keys (current and
/// `security.previous_keys`) open every sealed value (identity questionnaires, consent
/// documents), e.g. after a restore or before a key is retired; lists the key ids in use.
/// Reads only. `conoceles keys rotate`: re-seals with the current key what older keys sealed.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Llaves de cifrado de los datos sensibles / encryption keys of the sensitive data.",
        subcommands: [Check.self, Rotate.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Abre cada dato cifrado con las llaves configuradas / opens every sealed value with the configured keys.",
            discussion: """
                Descifra, sin mostrarlos, cada cuestionario de identidad y cada documento de consentimiento con \
                security.encryption_key (identificador security.encryption_key_id) y las llaves anteriores de \
                security.previous_keys, e informa cuántos hay cifrados con cada identificador de llave y cuántos no \
                abren. Sale con código 1 si alguno no abre.
                """)
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "keys")
            let security = runtime.configuration.security
            let cipher = try SensitiveDataCipher(security: security)
            try await runtime.withDatabase(migrate: false) {
                let report = try await SealedValueAudit(
                    client: runtime.database.client, cipher: cipher,
                    blobs: FileBlobStore(root: runtime.configuration.blobsDirectory), logger: runtime.logger
                ).run()
                print("Llave vigente: \(security.encryptionKeyID)")
                print("Llaves anteriores: \(security.previousKeys.isEmpty ? "ninguna" : security.previousKeys.keys.sorted().joined(separator: ", "))")
                for (label, tally) in [
                    ("Cuestionarios de identidad", report.identityQuestionnaires),
                    ("Documentos de consentimiento", report.consentDocuments),
                ] {
                    let keys = tally.byKey.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                    print("\(label): \(tally.total) cifrados (\(keys.isEmpty ? "ninguno" : keys)); abren: \(tally.opened); no abren: \(tally.failed)")
                    for failure in tally.failures { print("  no abre \(failure.id): \(failure.reason)") }
                }
                let old = report.identityQuestionnaires.byKey.merging(report.consentDocuments.byKey, uniquingKeysWith: +)
                    .filter { $0.key != security.encryptionKeyID }.values.reduce(0, +)
                if old == 0 {
                    print("Con llaves anteriores: 0. Todo está cifrado con la llave vigente; las anteriores pueden retirarse.")
                } else {
                    print("Con llaves anteriores: \(old). Ejecute «conoceles keys rotate» antes de retirarlas.")
                }
                if !report.allOpen { throw ExitCode(1) }
            }
        }
    }
}
