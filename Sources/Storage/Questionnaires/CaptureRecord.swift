import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// Everything a capture page shows of one candidacy's profile, read in one statement: the
/// workflow's state and history, the privacy notice's acceptance, both questionnaires (the
/// identity one opened here, never sent anywhere sealed), the consent in force and the
/// staff's field observations (newest first). A capture page is read far more often than it is saved (a
/// sign-in storm is 200 people opening their forms at once): one round trip instead of
/// nine is what keeps it cheap for the server and for PostgreSQL.
public struct CaptureRecord: Sendable {
    public var workflow: ProfileWorkflow
    public var noticeAccepted: Bool
    public var curricular: StoredCurricular?
    /// The identity answers, opened; nil when never saved or blocked.
    public var identity: IdentityQuestionnaire?
    /// The candidacy was withdrawn: its identity answers are blocked (not even shown).
    public var identityBlocked: Bool
    /// The identity questionnaire's revision; nil when never saved or blocked.
    public var identityRevision: QuestionnaireRepository.SavedRevision?
    public var consent: IdentityConsent
    public var consentBySignedForm: Bool
    public var fieldObservations: [FieldObservationRepository.FieldObservation]
}

extension QuestionnaireRepository {
    /// The capture record of `candidacyID` with the privacy notice `noticeVersion`.
    /// - Throws: `StorageError.notFound` when the candidacy has no workflow (unknown),
    ///   `.invalidStoredData` for a history with unknown values, `SensitiveDataCipherError`
    ///   when the identity answers cannot be opened.
    public func captureRecord(for candidacyID: String, noticeVersion: String) async throws -> CaptureRecord {
        let rows = try await client.query(
            """
            SELECT w.state,
                   EXISTS (SELECT 1 FROM privacy_notice_acceptances p
                            WHERE p.candidacy_id = w.candidacy_id AND p.notice_version = \(noticeVersion)) AS notice,
                   c.answers::text AS c_answers, c.revision AS c_revision, c.updated_at AS c_updated_at,
                   c.published_answers::text AS c_published, c.published_at AS c_published_at, c.updated_by AS c_updated_by,
                   i.ciphertext, i.nonce, i.key_id, i.blocked_at IS NOT NULL AS i_blocked,
                   i.revision AS i_revision, i.updated_at AS i_updated_at, i.updated_by AS i_updated_by,
                   k.decision, k.decided_at, k.signed_form,
                   (SELECT json_agg(json_build_array(t.from_state, t.to_state, t.action, t.actor_role, t.actor_id,
                                                     extract(epoch FROM t.occurred_at), t.observations) ORDER BY t.id)
                      FROM profile_transitions t WHERE t.candidacy_id = w.candidacy_id)::text AS history,
                   (SELECT json_agg(json_build_array(o.field, o.observation, extract(epoch FROM o.made_at), o.made_by)
                                    ORDER BY o.made_at DESC, o.id DESC)
                      FROM profile_field_observations o WHERE o.candidacy_id = w.candidacy_id)::text AS field_observations
              FROM profile_workflows w
              LEFT JOIN curricular_questionnaires c ON c.candidacy_id = w.candidacy_id
              LEFT JOIN identity_questionnaires i ON i.candidacy_id = w.candidacy_id
              LEFT JOIN LATERAL (SELECT decision, decided_at, signed_form FROM identity_consents
                                  WHERE candidacy_id = w.candidacy_id ORDER BY decided_at DESC, id DESC LIMIT 1) k ON true
             WHERE w.candidacy_id = \(candidacyID)
            """, logger: logger)
        for try await row in rows {
            return try Self.captureRecord(row.makeRandomAccess(), candidacyID: candidacyID, cipher: cipher)
        }
        throw StorageError(.notFound, "La candidatura \(candidacyID) no existe.")
    }

    static func captureRecord(_ row: PostgresRandomAccessRow, candidacyID: String, cipher: SensitiveDataCipher) throws -> CaptureRecord {
        func invalid() -> StorageError { StorageError(.invalidStoredData, "Historial del perfil \(candidacyID) con valores desconocidos.") }
        guard let state = ProfileState(rawValue: try row["state"].decode(String.self)) else { throw invalid() }
        var curricular: StoredCurricular?
        if let answers = try row["c_answers"].decode(String?.self) {
            curricular = StoredCurricular(
                answers: try JSONCoding.decode(CurricularQuestionnaire.self, from: answers),
                revision: try row["c_revision"].decode(Int.self), updatedAt: try row["c_updated_at"].decode(Date.self),
                updatedBy: try row["c_updated_by"].decode(String.self),
                published: try row["c_published"].decode(String?.self).map { try JSONCoding.decode(CurricularQuestionnaire.self, from: $0) },
                publishedAt: try row["c_published_at"].decode(Date?.self))
        }
        var identity: IdentityQuestionnaire?
        var revision: QuestionnaireRepository.SavedRevision?
        let blocked = try row["i_blocked"].decode(Bool?.self) ?? false
        if !blocked, let ciphertext = try row["ciphertext"].decode(Data?.self) {
            let sealed = SealedValue(
                ciphertext: ciphertext, nonce: try row["nonce"].decode(Data.self), keyID: try row["key_id"].decode(String.self))
            identity = try cipher.open(IdentityQuestionnaire.self, from: sealed, context: candidacyID)
            revision = .init(
                revision: try row["i_revision"].decode(Int.self), updatedAt: try row["i_updated_at"].decode(Date.self),
                updatedBy: try row["i_updated_by"].decode(String.self))
        }
        var consent = IdentityConsent.notGiven
        if let decision = try row["decision"].decode(String?.self) {
            let at = try row["decided_at"].decode(Date.self)
            consent = decision == "granted" ? .granted(at: at) : .revoked(at: at)
        }
        var history: [ProfileTransition] = []
        for item in try Self.jsonRows(row["history"].decode(String?.self)) {
            guard item.count == 7, let from = (item[0] as? String).flatMap(ProfileState.init(rawValue:)),
                let to = (item[1] as? String).flatMap(ProfileState.init(rawValue:)),
                let action = (item[2] as? String).flatMap(ProfileAction.init(rawValue:)),
                let role = (item[3] as? String).flatMap(ActorRole.init(rawValue:)), let actorID = item[4] as? String,
                let seconds = (item[5] as? NSNumber)?.doubleValue
            else { throw invalid() }
            history.append(
                ProfileTransition(
                    from: from, to: to, action: action, actor: ProfileActor(role: role, id: actorID),
                    at: Date(timeIntervalSince1970: seconds), observations: item[6] as? String))
        }
        var observations: [FieldObservationRepository.FieldObservation] = []
        for item in try Self.jsonRows(row["field_observations"].decode(String?.self)) {
            guard item.count == 4, let field = item[0] as? String, let text = item[1] as? String,
                let seconds = (item[2] as? NSNumber)?.doubleValue, let by = item[3] as? String
            else { throw invalid() }
            observations.append(.init(field: field, observation: text, madeAt: Date(timeIntervalSince1970: seconds), madeBy: by))
        }
        return CaptureRecord(
            workflow: ProfileWorkflow(state: state, history: history), noticeAccepted: try row["notice"].decode(Bool.self),
            curricular: curricular, identity: identity, identityBlocked: blocked, identityRevision: revision, consent: consent,
            consentBySignedForm: try row["signed_form"].decode(Bool?.self) ?? false, fieldObservations: observations)
    }

    /// The arrays of a `json_agg` of `json_build_array`s (nil: no rows).
    static func jsonRows(_ text: String?) throws -> [[Any]] {
        guard let text else { return [] }
        guard let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] else {
            throw StorageError(.invalidStoredData, "Respuesta de la base de datos con una forma inesperada.")
        }
        return rows
    }
}
