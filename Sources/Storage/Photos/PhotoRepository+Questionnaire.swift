import ConocelesCore
import Foundation
import PostgresNIO

extension PhotoRepository {
    /// Points the curricular questionnaire's photo reference at an accepted photo (its
    /// original's hash, size, format and capture day), creating the questionnaire when the
    /// photo came first. In the acceptance's transaction, so the profile's completeness sees
    /// the photo as soon as it is accepted; the rest of the answers are left as they are.
    func referInQuestionnaire(
        photoID: UUID, candidacyID: String, by actor: AuditActor, at now: Date,
        on connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT sha256, byte_count, content_type, taken_on::text, taken_on_source FROM photos WHERE id = \(photoID)
            """, logger: logger)
        var reference: PhotoReference?
        for try await (sha256, bytes, type, takenOn, source) in rows.decode((String, Int, String, String?, String?).self) {
            reference = PhotoReference(
                sha256: sha256, byteCount: bytes, format: type == "image/png" ? .png : .jpeg,
                takenOn: takenOn.flatMap(LocalDate.init), takenOnSource: source.flatMap(PhotoReference.DateSource.init(rawValue:)))
        }
        guard let reference else { return }
        let fresh = try JSONCoding.encodeString(CurricularQuestionnaire(photo: reference))
        // The questionnaire row is locked by the upsert, so a form saved at the same moment
        // either sees this reference or is seen by it (its save keeps the stored photo).
        try await connection.query(
            """
            INSERT INTO curricular_questionnaires (candidacy_id, answers, revision, updated_at, updated_by)
            VALUES (\(candidacyID), \(fresh)::jsonb, 1, \(now), \(actor.id))
            ON CONFLICT (candidacy_id) DO UPDATE
               SET answers = jsonb_set(curricular_questionnaires.answers, '{photo}', EXCLUDED.answers->'photo'),
                   revision = curricular_questionnaires.revision + 1, updated_at = \(now), updated_by = \(actor.id)
            """, logger: logger)
    }
}
