import ConocelesCore
import Foundation
import PostgresNIO

extension ProfileWorkflowRepository {
    /// The audit line of a workflow transition (the same for one transition or a bulk import).
    static func auditEntry(for transition: ProfileTransition, of candidacyID: String) -> AuditEntry {
        .candidacy(
            candidacyID, "profile.transition", by: AuditActor(transition.actor),
            changes: [
                "from": transition.from.rawValue, "to": transition.to.rawValue, "action": transition.action.rawValue,
                "observations": transition.observations == nil ? "no" : "sí",
            ], at: transition.at)
    }

    /// Writes histories computed elsewhere (the demo election, an import from another
    /// system) on the caller's connection: each workflow's state, its transitions and
    /// their audit lines, in bulk. The histories must start at `pendiente` on workflows
    /// that are still pending.
    public func importHistories(_ histories: [(candidacyID: String, workflow: ProfileWorkflow)], on connection: PostgresConnection) async throws {
        let moved = histories.filter { !$0.workflow.history.isEmpty }
        guard !moved.isEmpty else { return }
        try await connection.query(
            """
            UPDATE profile_workflows w SET state = t.state, transition_count = t.n, updated_at = t.at
              FROM unnest(\(moved.map(\.candidacyID))::text[], \(moved.map(\.workflow.state.rawValue))::text[],
                          \(moved.map(\.workflow.history.count))::int4[], \(moved.map { $0.workflow.history.last!.at })::timestamptz[])
                   AS t(id, state, n, at)
             WHERE w.candidacy_id = t.id AND w.state = 'pendiente'
            """, logger: logger)
        let rows = moved.flatMap { item in item.workflow.history.map { (item.candidacyID, $0) } }
        try await connection.query(
            """
            INSERT INTO profile_transitions (candidacy_id, from_state, to_state, action, actor_role, actor_id, observations, occurred_at)
            SELECT id, from_state, to_state, action, role, actor, nullif(observations, ''), at
              FROM unnest(\(rows.map(\.0))::text[], \(rows.map(\.1.from.rawValue))::text[], \(rows.map(\.1.to.rawValue))::text[],
                          \(rows.map(\.1.action.rawValue))::text[], \(rows.map(\.1.actor.role.rawValue))::text[],
                          \(rows.map(\.1.actor.id))::text[], \(rows.map { $0.1.observations ?? "" })::text[],
                          \(rows.map(\.1.at))::timestamptz[])
                   WITH ORDINALITY AS t(id, from_state, to_state, action, role, actor, observations, at, ord)
             ORDER BY ord
            """, logger: logger)
        try await audit.appendMany(rows.map { Self.auditEntry(for: $0.1, of: $0.0) }, on: connection)
    }
}
