import ConocelesCore
import Foundation
import PostgresNIO

/// An identity statistics release as stored: the published tables and, for the newest
/// release only, the sealed roster of the people it counted.
public struct StoredStatisticsRelease: Sendable {
    public var id: Int64
    public var releasedAt: Date
    public var release: IdentityRelease
    /// The people counted, sealed (`DisclosureControl.Previous`'s input); nil once replaced.
    public var roster: SealedValue?
}

extension PublicationRepository {
    /// The encryption context of a process's statistics roster.
    public static func rosterContext(processID: String) -> String { "estadisticas:\(processID)" }

    /// The newest statistics release of `processID`, or nil before the first.
    public func latestStatisticsRelease(processID: String) async throws -> StoredStatisticsRelease? {
        let rows = try await client.query(
            """
            SELECT id, released_at, tables::text, roster_ciphertext, roster_nonce, roster_key_id
              FROM identity_statistics_releases WHERE process_id = \(processID) ORDER BY id DESC LIMIT 1
            """, logger: logger)
        for try await (id, releasedAt, text, ciphertext, nonce, keyID) in rows.decode((Int64, Date, String, Data?, Data?, String?).self) {
            let roster = ciphertext.flatMap { ciphertext in
                nonce.flatMap { nonce in keyID.map { SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: $0) } }
            }
            return StoredStatisticsRelease(
                id: id, releasedAt: releasedAt, release: try JSONCoding.decode(IdentityRelease.self, from: text),
                roster: roster)
        }
        return nil
    }

    /// Stores `release` with its sealed `roster` as the newest release of `processID` and, when
    /// there is a current snapshot, makes a new snapshot version that shows it (same rows, so
    /// nothing is copied; the switch NOTIFYs `channel` and the public caches move on). The
    /// older rosters are dropped and the releases no snapshot shows any more are deleted.
    /// Returns the release's id and the new version (nil without a snapshot yet).
    @discardableResult
    public func saveStatisticsRelease(
        processID: String, release: IdentityRelease, roster: SealedValue, releasedAt: Date
    ) async throws -> (releaseID: Int64, version: Int64?) {
        let tables = try JSONCoding.encodeString(release)
        return try await client.transaction(logger: logger) { connection in
            // The snapshot writers' lock: a rebuild or refresh copies the current release id.
            try await lockWriters(processID: processID, on: connection)
            var releaseID: Int64 = 0
            for try await id in try await connection.query(
                """
                INSERT INTO identity_statistics_releases (process_id, released_at, profiles, tables, roster_ciphertext, roster_nonce,
                                                          roster_key_id)
                VALUES (\(processID), \(releasedAt), \(release.profiles), \(tables)::jsonb, \(roster.ciphertext), \(roster.nonce),
                        \(roster.keyID))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { releaseID = id }
            try await connection.query(
                """
                UPDATE identity_statistics_releases SET roster_ciphertext = NULL, roster_nonce = NULL, roster_key_id = NULL
                 WHERE process_id = \(processID) AND id < \(releaseID) AND roster_ciphertext IS NOT NULL
                """, logger: logger)
            var version: Int64?
            for try await value in try await connection.query(
                """
                INSERT INTO publication_snapshots (process_id, built_at, listed_count, published_count, statistics_release_id)
                SELECT p.process_id, \(releasedAt), p.listed_count, p.published_count, \(releaseID)
                  FROM publication_state st JOIN publication_snapshots p ON p.version = st.current_version
                 WHERE st.process_id = \(processID)
                RETURNING version
                """, logger: logger
            ).decode(Int64.self) { version = value }
            if let version { try await switchTo(version, processID: processID, builtAt: releasedAt, on: connection) }
            try await connection.query(
                """
                DELETE FROM identity_statistics_releases r
                 WHERE r.process_id = \(processID) AND r.id < \(releaseID)
                   AND NOT EXISTS (SELECT 1 FROM publication_snapshots s WHERE s.statistics_release_id = r.id)
                """, logger: logger)
            return (releaseID, version)
        }
    }
}
