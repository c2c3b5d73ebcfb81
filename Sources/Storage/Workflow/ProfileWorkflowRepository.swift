import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// The profile workflow of each candidacy. `apply` runs a `ProfileLifecycle` transition
/// and writes, in one transaction: the new state, the transition's history row, what the
/// transition implies (a modification request, the published copy of the curricular
/// questionnaire) and an audit line. A refused transition (`ProfileTransitionError`) or any
/// failed write leaves nothing behind.
public struct ProfileWorkflowRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    let audit: AuditLog

    /// A repository over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.audit = AuditLog(client: client, logger: logger)
    }

    /// Applies `action` by `actor` to the profile of `candidacyID` (see
    /// `ProfileLifecycle.transition` for `completeness` and `observations`).
    ///
    /// `alongside`, when given, runs on the transaction's connection after the transition is
    /// written and before it commits (e.g. to enqueue the e-mail a return sends): if it
    /// throws, the transition rolls back with it.
    /// - Throws: `ProfileTransitionError` when the lifecycle refuses;
    ///   `StorageError.notFound` for an unknown candidacy; `.conflict` when it is withdrawn.
    @discardableResult
    public func apply(
        _ action: ProfileAction, to candidacyID: String, by actor: ProfileActor, at date: Date = Date(),
        completeness: CompletenessReport? = nil, observations: String? = nil,
        alongside: (@Sendable (ProfileTransition, PostgresConnection) async throws -> Void)? = nil
    ) async throws -> ProfileTransition {
        try await client.transaction(logger: logger) { connection in
            let state = try await lockedState(of: candidacyID, on: connection)
            let transition = try ProfileLifecycle.transition(
                from: state, action: action, by: actor, at: date, completeness: completeness, observations: observations)
            try await record(transition, of: candidacyID, on: connection)
            try await applyConsequences(of: transition, to: candidacyID, reason: observations, on: connection)
            try await audit.append(Self.auditEntry(for: transition, of: candidacyID), on: connection)
            try await alongside?(transition, connection)
            return transition
        }
    }

    /// The workflow of `candidacyID`: its state and every transition, oldest first.
    /// - Throws: `StorageError.notFound` for an unknown candidacy.
    public func workflow(for candidacyID: String) async throws -> ProfileWorkflow {
        var state: ProfileState?
        for try await raw in try await client.query(
            "SELECT state FROM profile_workflows WHERE candidacy_id = \(candidacyID)", logger: logger
        ).decode(String.self) {
            state = ProfileState(rawValue: raw)
        }
        guard let state else { throw StorageError(.notFound, "La candidatura \(candidacyID) no existe.") }
        var history: [ProfileTransition] = []
        let rows = try await client.query(
            """
            SELECT from_state, to_state, action, actor_role, actor_id, occurred_at, observations
              FROM profile_transitions WHERE candidacy_id = \(candidacyID) ORDER BY id
            """, logger: logger)
        for try await (from, to, action, role, actorID, at, observations) in rows.decode((String, String, String, String, String, Date, String?).self) {
            guard let from = ProfileState(rawValue: from), let to = ProfileState(rawValue: to),
                let action = ProfileAction(rawValue: action), let role = ActorRole(rawValue: role)
            else {
                throw StorageError(.invalidStoredData, "Historial del perfil \(candidacyID) con valores desconocidos.")
            }
            history.append(
                ProfileTransition(
                    from: from, to: to, action: action, actor: ProfileActor(role: role, id: actorID),
                    at: at, observations: observations))
        }
        return ProfileWorkflow(state: state, history: history)
    }

    /// How many profiles of `processID`'s active candidacies are in each state (monitoring).
    public func countsByState(processID: String) async throws -> [ProfileState: Int] {
        var counts: [ProfileState: Int] = [:]
        let rows = try await client.query(
            """
            SELECT w.state, count(*) FROM profile_workflows w JOIN candidacies c ON c.id = w.candidacy_id
             WHERE c.process_id = \(processID) AND c.status = 'aprobada' GROUP BY w.state
            """, logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) {
            if let state = ProfileState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    /// The current state, with the workflow row locked until the transaction ends, so two
    /// actors acting at once on one profile serialize and the second sees the first's state.
    private func lockedState(of candidacyID: String, on connection: PostgresConnection) async throws -> ProfileState {
        let rows = try await connection.query(
            """
            SELECT w.state, c.status FROM profile_workflows w JOIN candidacies c ON c.id = w.candidacy_id
             WHERE w.candidacy_id = \(candidacyID) FOR UPDATE OF w
            """, logger: logger)
        for try await (state, status) in rows.decode((String, String).self) {
            guard status == CandidacyStatus.approved.rawValue else {
                throw StorageError(.conflict, "La candidatura \(candidacyID) ya no está activa (\(status)).")
            }
            guard let state = ProfileState(rawValue: state) else {
                throw StorageError(.invalidStoredData, "Estado «\(state)» desconocido.")
            }
            return state
        }
        throw StorageError(.notFound, "La candidatura \(candidacyID) no existe.")
    }

    private func record(_ transition: ProfileTransition, of candidacyID: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE profile_workflows SET state = \(transition.to.rawValue), transition_count = transition_count + 1,
                                         updated_at = \(transition.at)
             WHERE candidacy_id = \(candidacyID)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO profile_transitions (candidacy_id, from_state, to_state, action, actor_role, actor_id, observations, occurred_at)
            VALUES (\(candidacyID), \(transition.from.rawValue), \(transition.to.rawValue), \(transition.action.rawValue),
                    \(transition.actor.role.rawValue), \(transition.actor.id), \(transition.observations), \(transition.at))
            """, logger: logger)
    }
}
