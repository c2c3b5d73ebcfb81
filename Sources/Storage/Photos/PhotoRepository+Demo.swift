import Foundation
import PostgresNIO

/// A synthetic portrait stored in the blob store, with its variants, for demo elections.
public struct DemoPortrait: Sendable {
    public var sha256: String
    public var byteCount: Int
    public var width: Int
    public var height: Int
    public var variants: [StoredPhotoVariant]

    public init(sha256: String, byteCount: Int, width: Int, height: Int, variants: [StoredPhotoVariant]) {
        self.sha256 = sha256
        self.byteCount = byteCount
        self.width = width
        self.height = height
        self.variants = variants
    }
}

extension PhotoRepository {
    /// Gives every approved demo candidacy whose curricular questionnaire refers to a photo,
    /// and that has no photo row yet, one of `portraits` (round robin): an accepted photo row
    /// with its variants, and the questionnaire's reference (and its published copy's) pointed
    /// at the real blob. In a few
    /// statements, whatever the number of candidacies. Returns how many photos were attached.
    public func attachDemoPhotos(processID: String, portraits: [DemoPortrait], at now: Date = Date()) async throws -> Int {
        guard !portraits.isEmpty else { return 0 }
        let variantPortrait = portraits.enumerated().flatMap { index, portrait in portrait.variants.map { _ in index + 1 } }
        let variants = portraits.flatMap(\.variants)
        return try await client.transaction(logger: logger) { connection in
            // Demo data only: the round robin is by candidacy id so reruns pick the same portraits.
            let rows = try await connection.query(
                """
                WITH targets AS (
                    SELECT c.id, (row_number() OVER (ORDER BY c.id) - 1) % \(portraits.count) + 1 AS portrait,
                           (q.answers->'photo'->>'takenOn') AS taken_on, (q.answers->'photo'->>'takenOnSource') AS source
                      FROM candidacies c JOIN curricular_questionnaires q ON q.candidacy_id = c.id
                     WHERE c.process_id = \(processID) AND c.status = 'aprobada' AND q.answers ? 'photo'
                       AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.candidacy_id = c.id AND p.status IN ('received', 'accepted'))
                ), source AS (
                    SELECT * FROM unnest(\(portraits.map(\.sha256))::text[], \(portraits.map(\.byteCount))::int4[],
                                         \(portraits.map(\.width))::int4[], \(portraits.map(\.height))::int4[])
                           WITH ORDINALITY AS s(sha256, byte_count, width, height, ord)
                ), inserted AS (
                    INSERT INTO photos (candidacy_id, sha256, byte_count, content_type, width, height, taken_on, taken_on_source,
                                        status, uploaded_by, uploaded_at, checked_at)
                    SELECT t.id, s.sha256, s.byte_count, 'image/jpeg', s.width, s.height, t.taken_on::date,
                           CASE WHEN t.taken_on IS NULL THEN NULL ELSE coalesce(t.source, 'declared') END,
                           'accepted', 'demo', \(now), \(now)
                      FROM targets t JOIN source s ON s.ord = t.portrait
                    RETURNING id, candidacy_id, sha256, byte_count
                ), variants AS (
                    INSERT INTO photo_variants (photo_id, variant, sha256, byte_count, content_type, width, height)
                    SELECT i.id, v.variant, v.sha256, v.byte_count, v.content_type, v.width, v.height
                      FROM inserted i JOIN source s ON s.sha256 = i.sha256
                      JOIN unnest(\(variantPortrait)::int8[], \(variants.map(\.kind.rawValue))::text[], \(variants.map(\.sha256))::text[],
                                  \(variants.map(\.byteCount))::int4[], \(variants.map(\.contentType))::text[],
                                  \(variants.map(\.width))::int4[], \(variants.map(\.height))::int4[])
                           AS v(portrait, variant, sha256, byte_count, content_type, width, height) ON v.portrait = s.ord
                    RETURNING 1
                ), referenced AS (
                    UPDATE curricular_questionnaires q
                       SET answers = jsonb_set(jsonb_set(jsonb_set(q.answers, '{photo,sha256}', to_jsonb(i.sha256)),
                                                         '{photo,byteCount}', to_jsonb(i.byte_count)), '{photo,format}', '"jpeg"'),
                           -- The published copy names the same photo (the publication reads that copy).
                           published_answers = CASE WHEN q.published_answers ? 'photo' THEN
                               jsonb_set(jsonb_set(jsonb_set(q.published_answers, '{photo,sha256}', to_jsonb(i.sha256)),
                                                   '{photo,byteCount}', to_jsonb(i.byte_count)), '{photo,format}', '"jpeg"')
                               ELSE q.published_answers END
                      FROM inserted i WHERE q.candidacy_id = i.candidacy_id
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM variants), (SELECT count(*) FROM referenced)
                """, logger: logger)
            var attached = 0
            for try await (photos, _, _) in rows.decode((Int, Int, Int).self) { attached = photos }
            return attached
        }
    }
}
