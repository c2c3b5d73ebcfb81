import ConocelesCore
import Foundation
import PostgresNIO

extension PublicationRepository {
    /// The current snapshot's version and build time, or nil before the first rebuild.
    public func current(processID: String) async throws -> (version: Int64, builtAt: Date)? {
        let rows = try await client.query(
            """
            SELECT s.version, s.built_at FROM publication_state p JOIN publication_snapshots s ON s.version = p.current_version
             WHERE p.process_id = \(processID)
            """, logger: logger)
        for try await (version, builtAt) in rows.decode((Int64, Date).self) { return (version, builtAt) }
        return nil
    }

    /// One page of the current snapshot's candidacies matching `filter`, in display order.
    /// The version and the rows come from one statement, so a switch in between can't mix them.
    public func search(processID: String, filter: PublicationFilter, limit: Int, offset: Int) async throws -> PublicationPage {
        let name = filter.name.map(Self.searchKey).flatMap { $0.isEmpty ? nil : $0 }
        let entityKind = filter.entity.map { String($0.split(separator: ":", maxSplits: 1).first ?? "") }
        let entityCode = filter.entity.flatMap { value -> String? in
            let parts = value.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? String(parts[1]) : nil
        }
        let action = filter.affirmativeAction
        let rows = try await client.query(
            """
            WITH cur AS (SELECT current_version AS version FROM publication_state WHERE process_id = \(processID)),
            matches AS (
                SELECT p.sort_key, p.candidacy_id
                  FROM published_profiles p JOIN cur ON p.first_version <= cur.version AND p.last_version >= cur.version
                 WHERE p.process_id = \(processID) AND (\(name)::text IS NULL OR strpos(p.search_name, \(name)) > 0)
                   AND (\(filter.officeCode)::text IS NULL OR p.office_code = \(filter.officeCode))
                   AND (\(entityKind)::text IS NULL OR p.entity_kind = \(entityKind))
                   AND (\(entityCode)::text IS NULL OR p.entity_code = \(entityCode))
                   AND (\(filter.district)::int4 IS NULL OR p.district = \(filter.district))
                   AND (\(filter.municipality)::text IS NULL OR p.municipality = \(filter.municipality))
                   AND (\(filter.gender?.rawValue)::text IS NULL OR p.gender = \(filter.gender?.rawValue))
                   AND (\(filter.education)::text IS NULL OR p.education = \(filter.education))
                   AND (\(filter.minimumAge)::int4 IS NULL OR p.age_years >= \(filter.minimumAge))
                   AND (\(filter.maximumAge)::int4 IS NULL OR p.age_years <= \(filter.maximumAge))
                   AND (\(action)::text IS NULL OR (\(action) = 'cualquiera' AND p.affirmative_action IS NOT NULL)
                        OR p.affirmative_action = \(action))
            )
            SELECT (SELECT coalesce(max(version), 0) FROM cur), (SELECT count(*) FROM matches), page.document
              FROM (SELECT 1) one
              LEFT JOIN LATERAL (
                   SELECT d.document
                     FROM (SELECT sort_key, candidacy_id FROM matches ORDER BY sort_key LIMIT \(limit) OFFSET \(offset)) m
                     JOIN published_documents d ON d.process_id = \(processID) AND d.candidacy_id = m.candidacy_id
                      AND d.first_version <= (SELECT version FROM cur) AND d.last_version >= (SELECT version FROM cur)
                    ORDER BY m.sort_key) page ON true
            """, logger: logger)
        var page = PublicationPage(version: 0, total: 0, profiles: [])
        for try await (version, total, document) in rows.decode((Int64, Int, String?).self) {
            page.version = version
            page.total = total
            if let document { page.profiles.append(try JSONCoding.decode(PublishedProfile.self, from: document)) }
        }
        return page
    }

    /// The candidacy `id` in the current snapshot, with the version; nil when it is not listed.
    public func profile(processID: String, id: String) async throws -> (version: Int64, profile: PublishedProfile)? {
        let rows = try await client.query(
            """
            SELECT s.current_version, d.document FROM published_documents d
              JOIN publication_state s ON s.process_id = d.process_id
                   AND d.first_version <= s.current_version AND d.last_version >= s.current_version
             WHERE s.process_id = \(processID) AND d.candidacy_id = \(id)
            """, logger: logger)
        for try await (version, document) in rows.decode((Int64, String).self) {
            return (version, try JSONCoding.decode(PublishedProfile.self, from: document))
        }
        return nil
    }

    /// Every candidacy of the current snapshot in display order (open data).
    public func all(processID: String) async throws -> (version: Int64, profiles: [PublishedProfile]) {
        let page = try await search(processID: processID, filter: PublicationFilter(), limit: Int(Int32.max), offset: 0)
        return (page.version, page.profiles)
    }

    /// The compliance table of the current snapshot: per entity and office, approved
    /// candidacies and how many have a published profile.
    public func compliance(processID: String) async throws -> [PublicComplianceRow] {
        let rows = try await client.query(
            """
            SELECT p.entity_name, p.office_name, count(*)::int8, (count(*) FILTER (WHERE p.has_profile))::int8
              FROM published_profiles p JOIN publication_state s ON s.process_id = p.process_id
                   AND p.first_version <= s.current_version AND p.last_version >= s.current_version
             WHERE s.process_id = \(processID)
             GROUP BY 1, 2, p.office_code ORDER BY 1, min(p.sort_key)
            """, logger: logger)
        var result: [PublicComplianceRow] = []
        for try await (entity, office, approved, published) in rows.decode((String, String, Int, Int).self) {
            result.append(PublicComplianceRow(entityName: entity, officeName: office, approved: approved, published: published))
        }
        return result
    }

    /// The identity statistics release the current snapshot shows and when it was made;
    /// nil before the first release.
    public func identityRelease(processID: String) async throws -> (release: IdentityRelease, releasedAt: Date)? {
        let rows = try await client.query(
            """
            SELECT r.tables::text, r.released_at FROM publication_state p
              JOIN publication_snapshots s ON s.version = p.current_version
              JOIN identity_statistics_releases r ON r.id = s.statistics_release_id
             WHERE p.process_id = \(processID)
            """, logger: logger)
        for try await (text, releasedAt) in rows.decode((String, Date).self) {
            return (try JSONCoding.decode(IdentityRelease.self, from: text), releasedAt)
        }
        return nil
    }
}

extension PublicationRepository {
    /// One candidacy of the current snapshot as the static export lists it.
    public struct ListedCandidacy: Sendable, Hashable {
        public var id: String
        public var officeCode: String
        public var hasPhoto: Bool
    }

    /// The current snapshot's version and its candidacies in display order, without their
    /// documents (the static export renders each page through the site).
    public func listed(processID: String) async throws -> (version: Int64, candidacies: [ListedCandidacy]) {
        let rows = try await client.query(
            """
            SELECT s.current_version, p.candidacy_id, p.office_code, p.has_photo
              FROM publication_state s
              JOIN published_profiles p ON p.process_id = s.process_id
                   AND p.first_version <= s.current_version AND p.last_version >= s.current_version
             WHERE s.process_id = \(processID)
             ORDER BY p.sort_key
            """, logger: logger)
        var version: Int64 = 0
        var result: [ListedCandidacy] = []
        for try await (current, id, office, hasPhoto) in rows.decode((Int64, String, String, Bool).self) {
            version = current
            result.append(ListedCandidacy(id: id, officeCode: office, hasPhoto: hasPhoto))
        }
        if result.isEmpty { version = try await current(processID: processID)?.version ?? 0 }
        return (version, result)
    }
}
