import ConocelesCore
import Foundation
import PostgresNIO

extension DemoLoader {
    /// Loads the first `count` candidacies of `election` (choose `.national` for more than one
    /// state's worth), every one approved with a published profile, into an empty database:
    /// the snapshot the portal benchmark (`scripts/bench/portal`) rebuilds, serves and exports.
    /// Returns how many were loaded (at most the election's slots). No staff or representative
    /// accounts are made (the replicas of `.national` share party codes, and the benchmark
    /// signs nobody in).
    public func loadPublished(
        _ election: DemoElection, count: Int, batchSize: Int = 1_000,
        progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> Int {
        var existing = 0
        for try await value in try await client.query(
            "SELECT count(*)::int8 FROM candidacies WHERE process_id = \(election.process.id)", logger: logger
        ).decode(Int.self) {
            existing = value
        }
        guard existing == 0 else { throw DataExists(processID: election.process.id, candidacies: existing) }
        let total = min(count, election.slotCount)
        for start in stride(from: 0, to: total, by: batchSize) {
            let profiles = try election.publishedProfiles(forSlotsIn: start..<min(start + batchSize, total))
            try await client.transaction(logger: logger) { connection in
                try await write(profiles, of: election, on: connection)
            }
            progress(min(start + batchSize, total), total)
        }
        try await client.query("ANALYZE", logger: logger)
        return total
    }
}

extension DemoLoader {
    /// Replaces the published professional history of `candidacyID` (a republication without
    /// the workflow's steps): the portal benchmark's one-profile refreshes then have a real
    /// change to write.
    public func amendPublishedHistory(candidacyID: String, text: String) async throws {
        try await client.query(
            """
            UPDATE curricular_questionnaires
               SET published_answers = jsonb_set(published_answers, '{professionalHistory}', to_jsonb(\(text)::text))
             WHERE candidacy_id = \(candidacyID) AND published_answers IS NOT NULL
            """, logger: logger)
    }
}
