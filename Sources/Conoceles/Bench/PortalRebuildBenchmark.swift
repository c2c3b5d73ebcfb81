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
    func run(fullRebuilds: Int, everyRowChanged: Bool = true, refreshes: Int) async throws -> [String] {
        let builder = PublicationBuilder(client: client, cipher: cipher, process: process, catalogs: catalogs)
        var lines: [String] = []
        var fullSeconds: [Double] = []
        var outcome: PublicationBuilder.Outcome?
        // Full rebuilds as found (on a fresh seed the first writes every row, the next find
        // nothing changed), then one after every open row's document hash was forgotten: every
        // row is closed and written again and the version two switches back is pruned, the
        // heaviest state a previous snapshot can leave.
        let kinds = Array(repeating: "as found", count: max(1, fullRebuilds)) + (everyRowChanged ? ["every row changed"] : [])
        for (index, kind) in kinds.enumerated() {
            if kind == "every row changed" {
                try await client.query(
                    """
                    UPDATE published_profiles SET document_sha256 = NULL
                     WHERE process_id = \(process.id) AND last_version = \(Int64.max)
                    """, logger: logger)
            }
            let started = ContinuousClock.now
            let result = try await builder.build(logger: logger)
            let seconds = Self.seconds(ContinuousClock.now - started)
            fullSeconds.append(seconds)
            outcome = result
            let t = result.timings
            lines.append(
                "full rebuild \(index + 1) (\(kind)): "
                    + String(
                        format: "%.2f s = read %.2f s + build %.2f s + write %.2f s + prune/analyze %.2f s; %d rows written, %d closed",
                        seconds, Double(t.readMS) / 1000, Double(t.buildMS) / 1000, Double(t.writeMS) / 1000,
                        Double(t.pruneMS) / 1000, result.rowsWritten, result.rowsClosed))
        }
        lines.append("listed \(outcome?.listed ?? 0), published \(outcome?.published ?? 0)")

        let listed = try await PublicationRepository(client: client, logger: logger).listed(processID: process.id).candidacies
        let step = max(1, listed.count / max(1, 2 * refreshes))
        let chosen = stride(from: step / 2, to: listed.count, by: step).map { listed[$0].id }
        let replaced = Array(chosen.prefix(refreshes)), removed = Array(chosen.dropFirst(refreshes).prefix(refreshes))
        let loader = DemoLoader(client: client, cipher: cipher, logger: logger)
        let candidacies = CandidacyRepository(client: client, logger: logger)
        var replaceMS: [Double] = [], removeMS: [Double] = []
        for (index, id) in replaced.enumerated() {
            // A text no earlier run wrote, so the refresh always has a change to publish.
            try await loader.amendPublishedHistory(
                candidacyID: id, text: "Historia profesional republicada, versión \(index + 1) del \(Date().formatted(.iso8601)).")
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
        // The slowest full rebuild, whatever the state it started from.
        lines.append(
            String(
                format: "rebuild rebuild_s=%.2f one_profile_ms=%.1f one_profile_max_ms=%.1f listed=%d",
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
