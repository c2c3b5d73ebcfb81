import ConocelesCore
import Foundation
import PostgresNIO

extension QuestionnaireRepository {
    /// The identity answers of every active (approved) candidacy of `processID` whose answers
    /// are not blocked, opened, in candidacy order, read in batches of `batchSize`: the
    /// qualitative report of the gender-equality office (`QualitativeIdentityReport`), whether
    /// or not each person consented to publication. Never for public outputs.
    /// - Throws: `SensitiveDataCipherError` when a row's key is unknown or wrong.
    public func activeIdentities(processID: String, batchSize: Int = 2_000) async throws -> [IdentityQuestionnaire] {
        var answers: [IdentityQuestionnaire] = []
        var after = ""
        while true {
            let rows = try await client.query(
                """
                SELECT i.candidacy_id, i.ciphertext, i.nonce, i.key_id
                  FROM identity_questionnaires i JOIN candidacies c ON c.id = i.candidacy_id
                 WHERE c.process_id = \(processID) AND c.status = 'aprobada' AND i.blocked_at IS NULL AND i.candidacy_id > \(after)
                 ORDER BY i.candidacy_id
                 LIMIT \(batchSize)
                """, logger: logger)
            var read = 0
            for try await (id, ciphertext, nonce, keyID) in rows.decode((String, Data, Data, String).self) {
                answers.append(
                    try cipher.open(
                        IdentityQuestionnaire.self, from: SealedValue(ciphertext: ciphertext, nonce: nonce, keyID: keyID),
                        context: id))
                after = id
                read += 1
            }
            if read < batchSize { return answers }
        }
    }
}
