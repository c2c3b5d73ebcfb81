import ConocelesCore
import Foundation
import PostgresNIO

extension QuestionnaireRepository {
    /// The curricular answers being captured, with their revision, of each of
    /// `candidacyIDs` that has any, in one query (a representative's CSV template of
    /// hundreds of candidacies, and its upload's check that no row is stale).
    public func curricularDrafts(for candidacyIDs: [String]) async throws -> [String: (answers: CurricularQuestionnaire, revision: Int)] {
        guard !candidacyIDs.isEmpty else { return [:] }
        var result: [String: (answers: CurricularQuestionnaire, revision: Int)] = [:]
        let rows = try await client.query(
            """
            SELECT candidacy_id, answers::text, revision FROM curricular_questionnaires WHERE candidacy_id = ANY(\(candidacyIDs)::text[])
            """, logger: logger)
        for try await (id, answers, revision) in rows.decode((String, String, Int).self) {
            result[id] = (try JSONCoding.decode(CurricularQuestionnaire.self, from: answers), revision)
        }
        return result
    }
}
