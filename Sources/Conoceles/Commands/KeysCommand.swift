import ArgumentParser
import Foundation
import Storage

/// `conoceles keys check`: proves that the configured encryption key opens every sealed
/// value (identity questionnaires, consent documents), e.g. after a restore or before a
/// key is retired; lists the key ids in use. Reads only.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Llaves de cifrado de los datos sensibles / encryption keys of the sensitive data.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Abre cada dato cifrado con la llave configurada / opens every sealed value with the configured key.",
            discussion: """
                Descifra, sin mostrarlos, cada cuestionario de identidad y cada documento de consentimiento con \
                security.encryption_key (identificador security.encryption_key_id) e informa cuántos hay cifrados con \
                cada identificador de llave y cuántos no abren. Sale con código 1 si alguno no abre.
                """)
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "keys")
            let security = runtime.configuration.security
            let cipher = try SensitiveDataCipher(key: security.encryptionKey, keyID: security.encryptionKeyID)
            try await runtime.withDatabase(migrate: false) {
                let report = try await SealedValueAudit(
                    client: runtime.database.client, cipher: cipher,
                    blobs: FileBlobStore(root: runtime.configuration.blobsDirectory), logger: runtime.logger
                ).run()
                print("Llave configurada: \(security.encryptionKeyID)")
                for (label, tally) in [("Cuestionarios de identidad", report.identityQuestionnaires),
                                       ("Documentos de consentimiento", report.consentDocuments)] {
                    let keys = tally.byKey.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                    print("\(label): \(tally.total) cifrados (\(keys.isEmpty ? "ninguno" : keys)); abren: \(tally.opened); no abren: \(tally.failed)")
                    for failure in tally.failures { print("  no abre \(failure.id): \(failure.reason)") }
                }
                if !report.allOpen { throw ExitCode(1) }
            }
        }
    }
}
