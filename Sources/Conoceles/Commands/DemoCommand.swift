import ArgumentParser
import ConocelesJobs
import Foundation
import Imaging
import JobArguments
import JobQueue
import Storage

/// `conoceles demo`: loads a deterministic synthetic election into an empty database.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Carga una elección sintética de demostración / load a synthetic demo election.",
        discussion: """
            Todas las fórmulas (propietaria/o y suplente) de cada partido en cada cargo del proceso, con perfiles en \
            todos los estados, textos que cumplen o incumplen a propósito las reglas y cuestionarios de identidad cifrados. \
            La misma semilla produce la misma elección. Solo se carga en una base de datos sin candidaturas del proceso. \
            Las cuentas de demostración no pueden iniciar sesión.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Semilla / seed (la misma semilla da la misma elección).")
    var seed: UInt64 = 2024

    @Option(help: "Tamaño / size: small, jalisco o national.")
    var scale: String = "jalisco"

    @Option(
        help: "Documentos de consentimiento firmados (PDF sintéticos, cifrados) por cargar, uno por candidatura / synthetic sealed consent documents to store.")
    var consentDocuments: Int = 0

    func validate() throws {
        guard DemoScale(rawValue: scale) != nil else {
            throw ValidationError("--scale debe ser small, jalisco o national (se recibió «\(scale)»).")
        }
        guard (0...1_000).contains(consentDocuments) else {
            throw ValidationError("--consent-documents debe estar entre 0 y 1000 (se recibió \(consentDocuments)).")
        }
    }

    func run() async throws {
        let runtime = try await Runtime.load(options, label: "demo")
        let cipher = try SensitiveDataCipher(security: runtime.configuration.security)
        let election = DemoElection(process: runtime.process, catalogs: runtime.catalogs, seed: seed, scale: DemoScale(rawValue: scale)!)
        try await runtime.withDatabase {
            let loader = DemoLoader(client: runtime.database.client, cipher: cipher, logger: runtime.logger)
            let bar = ProgressBar(label: "Elección de demostración (\(scale), semilla \(seed))")
            do {
                let summary = try await loader.load(election) { done, total in bar.show(done, of: total) }
                bar.finish()
                for line in summary.lines { print(line) }
                if !summary.matchesProcess { throw ExitCode(1) }
                let photosBar = ProgressBar(label: "Fotos sintéticas")
                let attached = try await DemoPhotos(
                    client: runtime.database.client, blobs: FileBlobStore(root: runtime.configuration.blobsDirectory),
                    policy: PhotoPolicy(runtime.configuration.photo), logger: runtime.logger
                ).attach(processID: runtime.process.id, publicationDate: runtime.process.publicationDate, seed: seed) { done, total in
                    photosBar.show(done, of: total)
                }
                photosBar.finish()
                print("Fotos: \(attached) perfiles con una de las fotos sintéticas (archivos en \(runtime.configuration.blobsDirectory))")
                if consentDocuments > 0 {
                    let stored = try await storeConsentDocuments(runtime: runtime, cipher: cipher)
                    print("Documentos de consentimiento: \(stored) pendientes de revisión (cifrados en \(runtime.configuration.blobsDirectory))")
                }
                // The public portal shows a snapshot: ask for the first one, so the demo's
                // published profiles are public as soon as the workers start.
                let (catalog, _) = runtime.loadQueueDefinitions()
                try await PublicationRebuildJob.enqueue(
                    processID: runtime.process.id, reason: "demo",
                    jobs: JobClient(client: runtime.database.client, catalog: catalog, logger: runtime.logger), logger: runtime.logger)
                print("Publicación: se pidió la primera versión pública (la construye publication.rebuild al iniciar los trabajadores).")
            } catch let error as DemoLoader.DataExists {
                bar.finish()
                Runtime.fail(error.description)
            } catch let error as ExitCode {
                throw error
            } catch {
                bar.finish()
                runtime.logger.error("demo load failed", metadata: ["error": "\(String(reflecting: error))"])
                Runtime.fail("No se pudo cargar la elección de demostración: \(PostgresErrorText.describe(error))")
            }
        }
    }

    /// Stores a synthetic signed-consent PDF, sealed, for each of the first `consentDocuments`
    /// candidacies of the process (by id), pending review; returns how many.
    private func storeConsentDocuments(runtime: Runtime, cipher: SensitiveDataCipher) async throws -> Int {
        let client = runtime.database.client
        var ids: [String] = []
        for try await id in try await client.query(
            "SELECT id FROM candidacies WHERE process_id = \(runtime.process.id) ORDER BY id LIMIT \(consentDocuments)",
            logger: runtime.logger
        ).decode(String.self) {
            ids.append(id)
        }
        let documents = ConsentDocumentRepository(
            client: client, cipher: cipher, blobs: FileBlobStore(root: runtime.configuration.blobsDirectory), logger: runtime.logger)
        for id in ids {
            let pdf = Array("%PDF-1.4\n% Formato de consentimiento expreso (demostración) de \(id), semilla \(seed)\n%%EOF\n".utf8)
            _ = try await documents.store(pdf, for: id, by: .system("demo"))
        }
        return ids.count
    }
}
