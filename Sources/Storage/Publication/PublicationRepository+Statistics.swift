import ConocelesCore
import Foundation
import PostgresNIO

/// How the published profiles of one snapshot divide by education level and by age: the
/// statistics page's non-identity counts (both are public profile data, so no suppression).
public struct PublishedProfileCounts: Sendable, Hashable {
    /// The snapshot's version (0 before the first rebuild).
    public var version: Int64
    /// Education key ("licenciatura") → published profiles; nil key = not answered.
    public var byEducation: [String?: Int]
    /// Age in years on election day → published profiles; nil key = unknown.
    public var byAge: [Int?: Int]

    /// Counts; empty by default.
    public init(version: Int64 = 0, byEducation: [String?: Int] = [:], byAge: [Int?: Int] = [:]) {
        self.version = version
        self.byEducation = byEducation
        self.byAge = byAge
    }
}

extension PublicationRepository {
    /// The current snapshot's version and when it became current (the public pages'
    /// `Last-Modified`), or nil before the first rebuild. One primary-key row: cheap enough to
    /// ask on every public request.
    public func currentSwitch(processID: String) async throws -> (version: Int64, switchedAt: Date)? {
        let rows = try await client.query(
            """
            SELECT current_version, switched_at FROM publication_state
             WHERE process_id = \(processID) AND current_version IS NOT NULL AND switched_at IS NOT NULL
            """, logger: logger)
        for try await (version, switchedAt) in rows.decode((Int64, Date).self) { return (version, switchedAt) }
        return nil
    }

    /// Published profiles of the current snapshot by education key and by age, from the
    /// narrow search table (one scan, grouped twice).
    public func profileCounts(processID: String) async throws -> PublishedProfileCounts {
        let rows = try await client.query(
            """
            SELECT s.current_version, 'escolaridad', p.education, NULL::int4, count(*)::int8
              FROM published_profiles p JOIN publication_state s
                ON s.process_id = p.process_id AND p.first_version <= s.current_version AND p.last_version >= s.current_version
             WHERE s.process_id = \(processID) AND p.has_profile
             GROUP BY s.current_version, p.education
            UNION ALL
            SELECT s.current_version, 'edad', NULL, p.age_years::int4, count(*)::int8
              FROM published_profiles p JOIN publication_state s
                ON s.process_id = p.process_id AND p.first_version <= s.current_version AND p.last_version >= s.current_version
             WHERE s.process_id = \(processID) AND p.has_profile
             GROUP BY s.current_version, p.age_years
            """, logger: logger)
        var counts = PublishedProfileCounts()
        for try await (version, kind, education, age, count) in rows.decode((Int64, String, String?, Int?, Int).self) {
            counts.version = version
            if kind == "escolaridad" { counts.byEducation[education, default: 0] += count } else { counts.byAge[age, default: 0] += count }
        }
        if counts.version == 0 { counts.version = try await current(processID: processID)?.version ?? 0 }
        return counts
    }
}
