import ConocelesCore
import Foundation
import PostgresNIO

extension DemoLoader {
    /// Curricular answers (and their published copy), sealed identity answers (blocked for
    /// withdrawn candidacies), consents, privacy-notice acceptances and their audit lines.
    func writeQuestionnaires(_ profiles: [DemoProfile], on connection: PostgresConnection) async throws {
        let captured = profiles.filter { $0.curricular != nil }
        guard !captured.isEmpty else { return }
        let savedAt = captured.map { $0.history.first?.at.addingTimeInterval(1_800) ?? $0.registeredAt }
        let published = captured.map { profile in
            profile.history.last { $0.action == .publish || $0.action == .republish }?.at ?? Self.none
        }
        try await connection.query(
            """
            INSERT INTO curricular_questionnaires (candidacy_id, answers, updated_at, updated_by, published_answers, published_at)
            SELECT id, answers::jsonb, saved, actor, CASE WHEN published = 'epoch' THEN NULL ELSE answers::jsonb END,
                   nullif(published, 'epoch')
              FROM unnest(\(captured.map(\.candidacy.id))::text[], \(try captured.map { try JSONCoding.encodeString($0.curricular!) })::text[],
                          \(savedAt)::timestamptz[], \(captured.map(\.accountID.uuidString))::text[], \(published)::timestamptz[])
                   AS t(id, answers, saved, actor, published)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO privacy_notice_acceptances (candidacy_id, notice_version, accepted_by, accepted_at)
            SELECT id, \(Self.privacyNoticeVersion), actor, at
              FROM unnest(\(captured.map(\.candidacy.id))::text[], \(captured.map(\.accountID.uuidString))::text[],
                          \(savedAt)::timestamptz[]) AS t(id, actor, at)
            """, logger: logger)
        let identified = captured.filter { $0.identity != nil }
        var sealed: [SealedValue] = []
        for profile in identified { sealed.append(try cipher.seal(json: profile.identity!, context: profile.candidacy.id)) }
        try await connection.query(
            """
            INSERT INTO identity_questionnaires (candidacy_id, ciphertext, nonce, key_id, updated_at, updated_by, blocked_at,
                                                 published_revision)
            SELECT id, decode(ciphertext, 'hex'), decode(nonce, 'hex'), key_id, saved, actor, nullif(blocked, 'epoch'),
                   CASE WHEN published THEN 1 END
              FROM unnest(\(identified.map(\.candidacy.id))::text[], \(sealed.map(\.ciphertext.hexString))::text[],
                          \(sealed.map(\.nonce.hexString))::text[], \(sealed.map(\.keyID))::text[],
                          \(identified.map { $0.history.first?.at.addingTimeInterval(3_600) ?? $0.registeredAt })::timestamptz[],
                          \(identified.map(\.accountID.uuidString))::text[], \(identified.map { $0.withdrawnAt ?? Self.none })::timestamptz[],
                          \(identified.map { profile in profile.history.contains { $0.action == .publish || $0.action == .republish } })::bool[])
                   AS t(id, ciphertext, nonce, key_id, saved, actor, blocked, published)
            """, logger: logger)
        let consenting = identified.filter { $0.consentGranted == true }
        try await connection.query(
            """
            INSERT INTO identity_consents (candidacy_id, decision, decided_at, decided_by)
            SELECT id, 'granted', at, actor
              FROM unnest(\(consenting.map(\.candidacy.id))::text[],
                          \(consenting.map { $0.history.first?.at.addingTimeInterval(3_700) ?? $0.registeredAt })::timestamptz[],
                          \(consenting.map(\.accountID.uuidString))::text[]) AS t(id, at, actor)
            """, logger: logger)
        var entries: [AuditEntry] = []
        for (profile, at) in zip(captured, savedAt) {
            let actor = AuditActor(role: .candidate, id: profile.accountID.uuidString)
            entries.append(.candidacy(profile.candidacy.id, "privacy_notice.accept", by: actor, changes: ["version": Self.privacyNoticeVersion], at: at))
            entries.append(.candidacy(profile.candidacy.id, "curricular.save", by: actor, changes: ["revision": "1", "fields": "todos"], at: at))
            if profile.identity != nil {
                entries.append(
                    .candidacy(
                        profile.candidacy.id, "identity.save", by: actor,
                        changes: ["revision": "1", "key_id": cipher.keyID], at: at.addingTimeInterval(1_800)))
            }
            if profile.consentGranted == true {
                entries.append(.candidacy(profile.candidacy.id, "consent.grant", by: actor, changes: ["document": "no"], at: at.addingTimeInterval(1_900)))
            }
        }
        try await AuditLog(client: client, logger: logger).appendMany(entries, on: connection)
    }

    /// The modification request of each profile whose history has one.
    func writeModificationRequests(_ profiles: [DemoProfile], on connection: PostgresConnection) async throws {
        var ids: [String] = [], by: [String] = [], at: [Date] = [], statuses: [String] = []
        var decidedBy: [String] = [], decidedAt: [Date] = [], appliedAt: [Date] = []
        for profile in profiles {
            guard let request = profile.history.first(where: { $0.action == .requestModification }) else { continue }
            let approval = profile.history.first { $0.action == .approveModification }
            let republication = profile.history.first { $0.action == .republish }
            ids.append(profile.candidacy.id)
            by.append(request.actor.id)
            at.append(request.at)
            statuses.append(republication != nil ? "applied" : approval != nil ? "approved" : "pending")
            decidedBy.append(approval?.actor.id ?? "")
            decidedAt.append(approval?.at ?? Self.none)
            appliedAt.append(republication?.at ?? Self.none)
        }
        guard !ids.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO modification_requests (candidacy_id, reason, requested_by, requested_at, status, decided_by, decided_at, applied_at)
            SELECT id, 'Actualización de medios de contacto y propuestas.', by_, at, status, nullif(decided_by, ''),
                   nullif(decided_at, 'epoch'), nullif(applied_at, 'epoch')
              FROM unnest(\(ids)::text[], \(by)::text[], \(at)::timestamptz[], \(statuses)::text[], \(decidedBy)::text[],
                          \(decidedAt)::timestamptz[], \(appliedAt)::timestamptz[])
                   AS t(id, by_, at, status, decided_by, decided_at, applied_at)
            """, logger: logger)
    }

    /// The registration system's events behind each candidacy: its approval and, for a
    /// withdrawn one, its substitution or cancellation; all applied (as a CSV batch).
    func writeRegistrationEvents(_ profiles: [DemoProfile], on connection: PostgresConnection) async throws {
        var ids: [String] = [], types: [String] = [], candidacies: [String] = [], bodies: [String] = [], times: [Date] = []
        for profile in profiles {
            let candidacy = profile.candidacy
            ids.append("EV-\(candidacy.id)-A")
            types.append(RegistrationEvent.Kind.approval.rawValue)
            candidacies.append(candidacy.id)
            var approved = candidacy
            approved.status = .approved
            bodies.append(try JSONCoding.encodeString(approved))
            times.append(profile.registeredAt)
            if let withdrawnAt = profile.withdrawnAt {
                let kind: RegistrationEvent.Kind = candidacy.status == .substituted ? .substitution : .cancellation
                ids.append("EV-\(candidacy.id)-\(kind == .substitution ? "S" : "C")")
                types.append(kind.rawValue)
                candidacies.append(candidacy.id)
                bodies.append(try JSONCoding.encodeString(["candidatura": candidacy.id, "estatus": candidacy.status.rawValue]))
                times.append(withdrawnAt)
            }
        }
        try await connection.query(
            """
            INSERT INTO registration_events (id, process_id, type, candidacy_id, body, source, received_at, status, applied_at)
            SELECT t.id, c.process_id, t.type, t.candidacy, t.body::jsonb, 'csv', t.at, 'applied', t.at
              FROM unnest(\(ids)::text[], \(types)::text[], \(candidacies)::text[], \(bodies)::text[], \(times)::timestamptz[])
                   AS t(id, type, candidacy, body, at)
              JOIN candidacies c ON c.id = t.candidacy
            """, logger: logger)
    }
}
