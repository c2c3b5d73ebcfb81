import ArgumentParser
import Foundation
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

extension PhotoCommand {
    /// `conoceles photo bench DIR`: times `PhotoChecker.check` (both variants) over every JPEG
    /// and PNG in DIR, in this process, and the decode floor (`PhotoChecker.decodeOnly`: the
    /// same decode at the same DCT scale, nothing else). Used by `scripts/bench/photo`; run it
    /// pinned to one core (`taskset -c 0`) for numbers that compare.
    ///
    /// Each round reads every file (from the page cache) and runs the floor pass, then the
    /// check pass. A refused photo is reported and counted, not fatal (the worst-case inputs
    /// include one that must be refused). The last line is machine-readable:
    /// `RESULT photos=N refused=N check_wall_s=.. check_cpu_s=.. floor_wall_s=.. floor_cpu_s=..
    /// baseline_rss_mb=.. peak_rss_mb=..`, times being those of the round with the least CPU.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Mide la revisión de fotos (y el mínimo que cuesta decodificarlas) en este proceso.",
            discussion: """
                Para scripts/bench/photo. Cada ronda decodifica todas las fotos del directorio \
                (el mínimo) y luego las revisa y genera ambas variantes; se informa la mejor \
                ronda y la memoria máxima del proceso (VmHWM).
                """
        )

        @Argument(help: "Directorio con las fotos (JPEG o PNG).")
        var directory: String

        @Option(name: .long, help: "Rondas sobre todas las fotos; se informa la mejor.")
        var rounds: Int = 3

        @Flag(name: .long, help: "Solo revisar (sin medir el mínimo de decodificación): para medir la memoria máxima con una sola foto.")
        var checkOnly = false

        func validate() throws {
            guard rounds > 0 else { throw ValidationError("--rounds debe ser mayor que cero.") }
        }

        func run() async throws {
            let files = try Self.photos(in: directory)
            guard !files.isEmpty else { throw ValidationError("No hay fotos JPEG ni PNG en «\(directory)».") }
            let policy = PhotoPolicy()
            let date = CalendarDay(year: 2024, month: 3, day: 1)!
            let baseline = Self.residentMegabytes("VmHWM")

            var best = (check: Timing.worst, floor: Timing.worst)
            var refusedCount = 0
            for round in 1...rounds {
                var floor = Timing.worst
                if !checkOnly {
                    floor = try Timing.measure {
                        for file in files {
                            let bytes = try Self.read(file)
                            _ = try? PhotoChecker.decodeOnly(bytes, policy: policy)  // refusals: reported by the check pass
                        }
                    }
                }
                var outputBytes = 0
                var refused: [String] = []
                let check = try Timing.measure {
                    for file in files {
                        let bytes = try Self.read(file)
                        switch PhotoChecker.check(bytes, policy: policy, publicationDate: date) {
                        case .accepted(let photo):
                            outputBytes += photo.profile.jpeg.count + photo.thumbnail.jpeg.count
                        case .refused(let refusal):
                            refused.append("\(file.lastPathComponent): \(refusal)")
                        }
                    }
                }
                print(
                    "ronda \(round): revisión \(check.describe(files.count)); "
                        + (checkOnly ? "" : "mínimo \(floor.describe(files.count)); ")
                        + "salida \(outputBytes / max(files.count - refused.count, 1) / 1024) KB por foto")
                for line in refused { print("rechazada: \(line)") }
                refusedCount = refused.count
                best = (check.faster(than: best.check), floor.faster(than: best.floor))
            }
            let peak = Self.residentMegabytes("VmHWM")
            print(
                "RESULT photos=\(files.count) refused=\(refusedCount) check_wall_s=\(best.check.wall) check_cpu_s=\(best.check.cpu) "
                    + "floor_wall_s=\(best.floor.wall) floor_cpu_s=\(best.floor.cpu) "
                    + "baseline_rss_mb=\(baseline) peak_rss_mb=\(peak)")
        }

        /// Wall-clock and process CPU seconds of one pass.
        struct Timing {
            var wall: Double
            var cpu: Double

            static let worst = Timing(wall: .infinity, cpu: .infinity)

            static func measure(_ body: () throws -> Void) throws -> Timing {
                let cpuStart = processCPUSeconds()
                let start = ContinuousClock.now
                try body()
                let elapsed = ContinuousClock.now - start
                let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                return Timing(wall: wall, cpu: processCPUSeconds() - cpuStart)
            }

            func faster(than other: Timing) -> Timing { cpu <= other.cpu ? self : other }

            func describe(_ count: Int) -> String {
                String(format: "%.2f fotos/s (CPU %.2f fotos/s)", Double(count) / wall, Double(count) / cpu)
            }

            private static func processCPUSeconds() -> Double {
                var spec = timespec()
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
                return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
            }
        }

        private static func photos(in directory: String) throws -> [URL] {
            let url = URL(fileURLWithPath: directory, isDirectory: true)
            return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { ["jpg", "jpeg", "png"].contains($0.pathExtension.lowercased()) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }

        private static func read(_ file: URL) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: file))
        }

        /// A memory figure of this process from /proc/self/status, in MB (VmHWM: peak resident).
        private static func residentMegabytes(_ field: String) -> Double {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
            for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
                let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
                return (kilobytes / 1024 * 10).rounded() / 10
            }
            return 0
        }
    }
}
