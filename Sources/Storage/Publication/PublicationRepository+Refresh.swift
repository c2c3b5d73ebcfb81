import ConocelesCore
import Foundation
import PostgresNIO

/// What a one-profile refresh did to the current snapshot.
public enum ProfileRefreshOutcome: Sendable, Equatable {
    /// A new version in which only this candidacy's row changed; `hadProfile`/`hasProfile`
    /// say whether a published profile was there before and after (the identity statistics
    /// change only then).
    case added(version: Int64, hasProfile: Bool)
    case replaced(version: Int64, hadProfile: Bool, hasProfile: Bool)
    case removed(version: Int64, hadProfile: Bool)
    /// The snapshot already shows the candidacy as it is: no new version.
    case unchanged(version: Int64)
    /// No snapshot yet, or no room in the display order for a new row: a full rebuild is needed.
    case needsFullRebuild

    /// The new version, if one was made.
    public var newVersion: Int64? {
        switch self {
        case .added(let version, _), .replaced(let version, _, _), .removed(let version, _): version
        case .unchanged, .needsFullRebuild: nil
        }
    }

    /// Whether a published profile entered, left or changed (the statistics may change).
    public var touchesPublishedProfiles: Bool {
        switch self {
        case .added(_, let has): has
        case .replaced(_, let had, let has): had || has
        case .removed(_, let had): had
        case .unchanged, .needsFullRebuild: false
        }
    }
}

extension PublicationRepository {
    /// Makes a new current snapshot of `processID` in which only `candidacyID`'s row changed,
    /// sharing every other row with the current one: `build` turns the candidacy's source (nil
    /// when it is no longer approved and active) into its public profile (nil to leave it
    /// out). The source is read under the writers' lock, so two refreshes of one candidacy
    /// can't commit in the wrong order. The previous identity statistics are kept (they need
    /// every profile; the caller asks for a full rebuild when they may have changed).
    public func refreshProfile(
        processID: String, timeZone: String, candidacyID: String, builtAt: Date,
        build: @escaping @Sendable (PublicationSource?) -> PublishedProfile?
    ) async throws -> ProfileRefreshOutcome {
        try await client.transaction(logger: logger) { connection in
            try await lockWriters(processID: processID, on: connection)
            var current: Int64?
            for try await value in try await connection.query(
                "SELECT current_version FROM publication_state WHERE process_id = \(processID)", logger: logger
            ).decode(Int64?.self) {
                current = value
            }
            guard let current else { return .needsFullRebuild }
            let source = try await source(processID: processID, timeZone: timeZone, candidacyID: candidacyID, on: connection)
            let profile = build(source)
            var old: (profile: PublishedProfile, sortKey: Double)?
            for try await (document, sortKey) in try await connection.query(
                """
                SELECT d.document, p.sort_key FROM published_profiles p
                  JOIN published_documents d ON d.process_id = p.process_id AND d.candidacy_id = p.candidacy_id
                       AND d.last_version = \(Self.openVersion)
                 WHERE p.process_id = \(processID) AND p.candidacy_id = \(candidacyID) AND p.last_version = \(Self.openVersion)
                """, logger: logger
            ).decode((String, Double).self) {
                old = (try JSONCoding.decode(PublishedProfile.self, from: document), sortKey)
            }
            if old?.profile == profile { return .unchanged(version: current) }
            var sortKey = old?.sortKey ?? 0
            if profile != nil, old == nil {
                guard let free = try await freeSortKey(processID: processID, candidacyID: candidacyID, on: connection) else {
                    return .needsFullRebuild
                }
                sortKey = free
            }
            let listedDelta = (profile == nil ? 0 : 1) - (old == nil ? 0 : 1)
            let publishedDelta = (profile?.hasProfile == true ? 1 : 0) - (old?.profile.hasProfile == true ? 1 : 0)
            var version: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO publication_snapshots (process_id, built_at, listed_count, published_count, statistics_release_id)
                SELECT process_id, \(builtAt), listed_count + \(listedDelta), published_count + \(publishedDelta), statistics_release_id
                  FROM publication_snapshots WHERE version = \(current)
                RETURNING version
                """, logger: logger
            ).decode(Int64.self) { version = value }
            if old != nil { try await closeRows(processID: processID, candidacyIDs: [candidacyID], before: version, on: connection) }
            if let profile {
                // Encoded as a full rebuild encodes it, so the next rebuild finds the same hash.
                try await insert([try Self.encode(profile)], processID: processID, version: version, sortKeys: [sortKey], on: connection)
            }
            try await switchTo(version, processID: processID, builtAt: builtAt, on: connection)
            switch (old, profile) {
            case (nil, let profile?): return .added(version: version, hasProfile: profile.hasProfile)
            case (let old?, let profile?): return .replaced(version: version, hadProfile: old.profile.hasProfile, hasProfile: profile.hasProfile)
            case (let old?, nil): return .removed(version: version, hadProfile: old.profile.hasProfile)
            case (nil, nil): return .unchanged(version: current)  // unreachable: equal above
            }
        }
    }

    /// A display key for `candidacyID`, not yet in the current snapshot, between the keys of
    /// its neighbours in the display order; nil when the two neighbours leave no room (a full
    /// rebuild renumbers them).
    func freeSortKey(processID: String, candidacyID: String, on connection: PostgresConnection) async throws -> Double? {
        // The candidacy among the current rows, ordered as a full rebuild orders them.
        let rows = try await connection.query(
            """
            SELECT before, after FROM (
                SELECT c.id, lag(p.sort_key) OVER w AS before, lead(p.sort_key) OVER w AS after
                  FROM candidacies c
                  LEFT JOIN published_profiles p ON p.process_id = c.process_id AND p.candidacy_id = c.id
                       AND p.last_version = \(Self.openVersion)
                 WHERE c.process_id = \(processID) AND (c.id = \(candidacyID) OR p.candidacy_id IS NOT NULL)
                WINDOW w AS (ORDER BY \(unescaped: Self.displayOrder))) ranked
             WHERE id = \(candidacyID)
            """, logger: logger)
        for try await (before, after) in rows.decode((Double?, Double?).self) {
            switch (before, after) {
            case (nil, nil): return 0
            case (let before?, nil): return before + 1
            case (nil, let after?): return after - 1
            case (let before?, let after?):
                let middle = before + (after - before) / 2
                return middle > before && middle < after ? middle : nil
            }
        }
        return nil
    }
}
