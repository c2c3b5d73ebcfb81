import ArgumentParser
import ConocelesWeb
import Foundation

/// `conoceles export --out DIR`: the public site of the current publication snapshot as
/// static files (`StaticSiteExporter`), with a progress bar.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Exporta el sitio público como archivos estáticos / export the public site as static files.",
        discussion: """
            Escribe en DIR la portada, el listado de candidaturas (completo y por cargo, paginado), cada perfil con su \
            fotografía y su JSON público, el cumplimiento, los datos abiertos (CSV, JSON y diccionario) y los estilos, \
            de la versión pública vigente. Cualquier servidor web los sirve con su configuración por omisión \
            (perfil/ID/index.html). Los enlaces a lo que no es estático (entrar, el formulario de búsqueda con filtros) \
            llevan al sitio en línea (http.public_url). Se escribe en un directorio temporal que reemplaza a DIR al \
            final: una exportación interrumpida no deja medio sitio.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("out"), help: "Directorio de salida / output directory.")
    var output: String

    func run() async throws {
        let runtime = try await Runtime.load(options, label: "export")
        let output = URL(fileURLWithPath: self.output, isDirectory: true).standardizedFileURL
        try await runtime.withDatabase {
            let exporter = StaticSiteExporter(
                context: try runtime.webContext(), liveURL: runtime.configuration.http.publicURL, logger: runtime.logger)
            let bar = ProgressBar(label: "Exportando el sitio público")
            let started = Date()
            let summary: StaticSiteExporter.Summary
            do {
                summary = try await exporter.export(to: output) { done, total in bar.show(done, of: total) }
            } catch let failure as StaticSiteExporter.Failure {
                FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
                throw ExitCode(1)
            }
            bar.finish()
            for id in summary.skipped {
                print("Candidatura \(id) omitida: su identificador no puede ser un nombre de archivo.")
            }
            print(
                "Versión pública \(summary.version): \(summary.files) archivos, "
                    + "\(summary.bytes / 1024) KB en \(output.path) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s).")
        }
    }
}
