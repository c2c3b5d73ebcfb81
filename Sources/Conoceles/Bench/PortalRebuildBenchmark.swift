import ConocelesCore
import ConocelesJobs
import Foundation
import Logging
import PostgresNIO
import Storage

/// The rebuild half of `scripts/bench/portal`: times full rebuilds of the seeded snapshot,
/// then one-profile refreshes of two kinds: a republished profile (its published history
/// changed, the row replaced) and a cancellation (the row removed). Each refresh has a real
/// change to write, never an `.unchanged` no-op.
struct PortalRebuildBenchmark: Sendable {
    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let process: ElectionProcess
    let catalogs: Catalogs
    let logger: Logger

    /// Lines for the script; the last one is `rebuild rebuild_s=X one_profile_ms=X …`.
    func run(fullRebuilds: Int, refreshes: Int) async throws -> [String] {
        let builder = PublicationBuilder(client: client, cipher: cipher, process: process, catalogs: catalogs)
        var lines: [String] = []
        var fullSeconds: [Double] = []
        var outcome: PublicationBuilder.Outcome?
        var written: [Int] = []
        for _ in 0..<max(1, fullRebuilds) {
            let started = ContinuousClock.now
            outcome = try await builder.build(logger: logger)
            fullSeconds.append(Self.seconds(ContinuousClock.now - started))
            written.append(outcome?.rowsWritten ?? 0)
        }
        lines.append("full rebuilds: " + zip(fullSeconds, written).map { String(format: "%.2f s (%d rows written)", $0, $1) }
                        .joined(separator: ", ") + " (listed \(outcome?.listed ?? 0), published \(outcome?.published ?? 0))")

        let listed = try await PublicationRepository(client: client, logger: logger).listed(processID: process.id).candidacies
        let step = max(1, listed.count / max(1, 2 * refreshes))
        let chosen = stride(from: step / 2, to: listed.count, by: step).map { listed[$0].id }
        let replaced = Array(chosen.prefix(refreshes)), removed = Array(chosen.dropFirst(refreshes).prefix(refreshes))
        let loader = DemoLoader(client: client, cipher: cipher, logger: logger)
        let candidacies = CandidacyRepository(client: client, logger: logger)
        var replaceMS: [Double] = [], removeMS: [Double] = []
        for (index, id) in replaced.enumerated() {
            try await loader.amendPublishedHistory(candidacyID: id, text: "Historia profesional republicada, versión \(index + 1).")
            let started = ContinuousClock.now
            let result = try await builder.refresh(candidacyID: id, logger: logger)
            replaceMS.append(Self.seconds(ContinuousClock.now - started) * 1000)
            guard case .replaced = result else { throw BenchFailure("refresh of \(id) gave \(result), not a replacement") }
        }
        for id in removed {
            _ = try await candidacies.withdraw(id, as: .cancelled, by: .system("bench.portal"))
            let started = ContinuousClock.now
            let result = try await builder.refresh(candidacyID: id, logger: logger)
            removeMS.append(Self.seconds(ContinuousClock.now - started) * 1000)
            guard case .removed = result else { throw BenchFailure("refresh of \(id) gave \(result), not a removal") }
        }
        func summary(_ values: [Double]) -> String {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return "none" }
            return String(format: "p50 %.1f ms, max %.1f ms (%d)", sorted[sorted.count / 2], sorted.last!, sorted.count)
        }
        lines.append("one-profile republication: \(summary(replaceMS))")
        lines.append("one-profile cancellation: \(summary(removeMS))")
        let all = (replaceMS + removeMS).sorted()
        let median = all.isEmpty ? 0 : all[all.count / 2]
        // The slowest full rebuild: on a fresh seed the first one, which writes every row.
        lines.append(String(format: "rebuild rebuild_s=%.2f one_profile_ms=%.1f one_profile_max_ms=%.1f listed=%d",
                            fullSeconds.max() ?? 0, median, all.last ?? 0, outcome?.listed ?? 0))
        return lines
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A benchmark step that did not do what it measures.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
