import ConocelesCore
import Foundation
import PostgresNIO

extension QuestionnaireRepository {
    /// The curricular answers being captured of each of `candidacyIDs` that has any, in one
    /// query (a representative's CSV template of hundreds of candidacies).
    public func curricularAnswers(for candidacyIDs: [String]) async throws -> [String: CurricularQuestionnaire] {
        guard !candidacyIDs.isEmpty else { return [:] }
        var result: [String: CurricularQuestionnaire] = [:]
        let rows = try await client.query("""
            SELECT candidacy_id, answers::text FROM curricular_questionnaires WHERE candidacy_id = ANY(\(candidacyIDs)::text[])
            """, logger: logger)
        for try await (id, answers) in rows.decode((String, String).self) {
            result[id] = try JSONCoding.decode(CurricularQuestionnaire.self, from: answers)
        }
        return result
    }
}
