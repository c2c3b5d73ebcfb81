import ConocelesCore
import Foundation
import PostgresNIO

extension QuestionnaireRepository {
    /// The aggregated identity statistics of the active candidacies of `processID` (blocked
    /// questionnaires of withdrawn candidacies are not read). Each questionnaire is opened,
    /// counted and dropped here: only the counts leave this function.
    public func identityAnswerCounts(processID: String) async throws -> IdentityAnswerCounts {
        var statistics = IdentityAnswerCounts()
        let rows = try await client.query("""
            SELECT q.candidacy_id, q.ciphertext, q.nonce, q.key_id, c.gender
              FROM identity_questionnaires q JOIN candidacies c ON c.id = q.candidacy_id
             WHERE c.process_id = \(processID) AND c.status = 'aprobada' AND q.blocked_at IS NULL
            """, logger: logger)
        for try await (id, ciphertext, nonce, keyID, gender) in rows.decode((String, Data, Data, String, String).self) {
            guard let gender = Gender(rawValue: gender) else {
                throw StorageError(.invalidStoredData, "Género «\(gender)» desconocido.")
            }
            let answers = try cipher.open(
                IdentityQuestionnaire.self, from: SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: keyID), context: id)
            statistics.add(answers, gender: gender)
        }
        return statistics
    }
}
