import ArgumentParser
import ConocelesConfig
import ConocelesJobs
import Foundation
import Imaging

/// `conoceles photo`: photo tools for staff.
struct PhotoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "photo",
        abstract: "Herramientas para las fotos de las candidaturas.",
        subcommands: [Check.self, Sample.self, Bench.self]
    )

    /// `conoceles photo check FILE... [--out DIR]`: the same check an upload gets (the `photo.*`
    /// limits of the configuration file, no secrets needed), one line per file; exits with
    /// status 1 when any file is refused or unreadable.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escribe una foto sintética (JPEG, no es una persona) para demostraciones y pruebas / writes a synthetic portrait JPEG.")
        @Argument(help: "Archivo de salida / output file.") var file: String
        @Option(help: "Semilla / seed.") var seed: UInt64 = 1
        @Option(help: "Ancho en píxeles / width.") var width: Int = 600
        @Option(help: "Alto en píxeles / height.") var height: Int = 800

        func validate() throws {
            guard (16...8_000).contains(width), (16...8_000).contains(height) else {
                throw ValidationError("El ancho y el alto deben estar entre 16 y 8000 píxeles.")
            }
        }

        func run() throws {
            let bytes = try SyntheticPortrait.jpeg(seed: seed, width: width, height: height)
            guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
                throw ValidationError("No se pudo escribir «\(file)».")
            }
            print("\(file): \(width)x\(height), \(bytes.count / 1_024) KB")
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Revisa fotos como se revisan al subirlas: una línea por archivo.",
            discussion: "Termina con código 1 si alguna foto se rechaza."
        )

        @OptionGroup var options: GlobalOptions

        @Argument(help: "Fotos a revisar (JPEG o PNG).")
        var files: [String]

        @Option(name: .long, help: "Directorio donde escribir las variantes (perfil y miniatura).")
        var out: String?

        @Option(name: .long, help: "Fecha de publicación AAAA-MM-DD para la regla de antigüedad (por omisión, hoy).")
        var publicationDate: String?

        @Option(name: .long, help: "Tamaño máximo del archivo en KB de 1024 bytes (por omisión, photo.max_bytes de la configuración).")
        var maxKb: Int?

        func validate() throws {
            if let publicationDate, CalendarDay(publicationDate) == nil {
                throw ValidationError("--publication-date debe tener la forma AAAA-MM-DD: «\(publicationDate)».")
            }
            if let maxKb, maxKb <= 0 { throw ValidationError("--max-kb debe ser mayor que cero.") }
        }

        func run() async throws {
            let limits: AppConfiguration.PhotoLimits
            do {
                limits = try await AppConfiguration.loadPhotoLimits(file: options.configFile)
            } catch let error as ConfigurationError {
                Runtime.fail(error.description)
            }
            var policy = PhotoPolicy(limits)
            if let maxKb { policy.maxBytes = maxKb * 1024 }
            let date = publicationDate.flatMap(CalendarDay.init) ?? Self.today()
            let outDirectory = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
            if let outDirectory {
                try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)
            }
            var failures = 0
            for file in files {
                let url = URL(fileURLWithPath: file)
                let verdict: PhotoVerdict
                do {
                    verdict = try Self.check(url, policy: policy, publicationDate: date)
                } catch {
                    let reason =
                        FileManager.default.isReadableFile(atPath: url.path)
                        ? "error de lectura" : "no existe o no hay permiso para leerlo"
                    print(PhotoCheckReport.unreadable(file: file, reason: reason))
                    failures += 1
                    continue
                }
                print(PhotoCheckReport.line(file: file, verdict: verdict))
                switch verdict {
                case .accepted(let photo):
                    if let outDirectory { try Self.write(photo, named: url, into: outDirectory) }
                case .refused:
                    failures += 1
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// Refuses an oversized file from its size on disk, before reading it.
        private static func check(_ url: URL, policy: PhotoPolicy, publicationDate: CalendarDay) throws -> PhotoVerdict {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = (attributes[.size] as? NSNumber)?.intValue, size > policy.maxBytes {
                return .refused(.tooLarge(bytes: size, limit: policy.maxBytes))
            }
            let bytes = [UInt8](try Data(contentsOf: url))
            return PhotoChecker.check(bytes, policy: policy, publicationDate: publicationDate)
        }

        /// Writes `<name>-perfil.jpg` and `<name>-miniatura.jpg`.
        private static func write(_ photo: AcceptedPhoto, named source: URL, into directory: URL) throws {
            let stem = source.deletingPathExtension().lastPathComponent
            for (suffix, variant) in [("perfil", photo.profile), ("miniatura", photo.thumbnail)] {
                let target = directory.appendingPathComponent("\(stem)-\(suffix).jpg")
                try Data(variant.jpeg).write(to: target, options: .atomic)
            }
        }

        /// Today in the process's time zone (Jalisco: America/Mexico_City).
        private static func today() -> CalendarDay {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "America/Mexico_City") ?? .current
            let parts = calendar.dateComponents([.year, .month, .day], from: Date())
            return CalendarDay(year: parts.year ?? 2024, month: parts.month ?? 1, day: parts.day ?? 1)
                ?? CalendarDay(year: 2024, month: 1, day: 1)!
        }
    }
}
