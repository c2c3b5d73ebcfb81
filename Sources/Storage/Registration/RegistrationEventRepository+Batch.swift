import Foundation
import PostgresNIO

extension RegistrationEventRepository {
    /// Claims, on the caller's transaction, up to `limit` pending events, oldest first, that no
    /// other transaction holds (`FOR UPDATE SKIP LOCKED`), and the event `id` too while it is
    /// held (a job for a held event applies it when asked).
    public func claimBatch(including id: String, limit: Int, on connection: PostgresConnection) async throws -> [RegistrationEvent] {
        try await list(
            """
            SELECT \(unescaped: Self.columns) FROM registration_events
             WHERE status IN ('pending', 'held') AND (status = 'pending' OR id = \(id))
             ORDER BY received_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, on: connection)
    }

    /// `lockCandidacy` for every id of `candidacyIDs` in one statement, in sorted order (two
    /// batches that share candidacies can't deadlock).
    public func lockCandidacies(_ candidacyIDs: [String], on connection: PostgresConnection) async throws {
        let sorted = Array(Set(candidacyIDs)).sorted()
        guard !sorted.isEmpty else { return }
        try await connection.query(
            """
            SELECT count(pg_advisory_xact_lock(hashtextextended('registration:' || id, 0)))
              FROM (SELECT id FROM unnest(\(sorted)::text[]) WITH ORDINALITY AS t(id, ord) ORDER BY ord) AS s
            """, logger: logger)
    }

    /// Settles many events in one statement: each from pending or held to its status (applied
    /// ones dated `date`), with its Spanish reason for held and rejected ones.
    public func settleMany(
        _ outcomes: [(id: String, status: RegistrationEvent.Status, reason: String?)], at date: Date = Date(),
        on connection: PostgresConnection
    ) async throws {
        guard !outcomes.isEmpty else { return }
        try await connection.query(
            """
            UPDATE registration_events e
               SET status = t.status, status_reason = nullif(t.reason, ''),
                   applied_at = CASE WHEN t.status = 'applied' THEN \(date) END
              FROM unnest(\(outcomes.map(\.id))::text[], \(outcomes.map(\.status.rawValue))::text[],
                          \(outcomes.map { $0.reason ?? "" })::text[]) AS t(id, status, reason)
             WHERE e.id = t.id AND e.status IN ('pending', 'held')
            """, logger: logger)
    }

    /// Puts back to pending, on the caller's transaction, the held events that the
    /// appearance of `candidacyIDs` lets apply (their cancellations, the substitutions that
    /// replace them); returns their ids, oldest first, for the caller to enqueue.
    public func releaseHeld(for candidacyIDs: [String], on connection: PostgresConnection) async throws -> [String] {
        guard !candidacyIDs.isEmpty else { return [] }
        var rows: [(String, Date)] = []
        for try await row in try await connection.query(
            """
            UPDATE registration_events SET status = 'pending', status_reason = NULL
             WHERE status = 'held'
               AND (candidacy_id = ANY(\(candidacyIDs)::text[])
                    OR (type = 'substitution' AND body ->> 'replaces_candidacy_id' = ANY(\(candidacyIDs)::text[])))
            RETURNING id, received_at
            """, logger: logger
        ).decode((String, Date).self) { rows.append(row) }
        return rows.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
    }
}

extension RegistrationEventRepository {
    /// Records `events` in one statement on the caller's connection (a group commit of
    /// concurrent requests); a known id (stored before, or earlier in `events`) is not stored
    /// again. Returns the outcome of each, in order.
    public func recordMany(_ events: [RegistrationEvent], on connection: PostgresConnection) async throws -> [RecordOutcome] {
        guard !events.isEmpty else { return [] }
        var recorded: Set<String> = []
        for try await id in try await connection.query(
            """
            INSERT INTO registration_events (id, process_id, type, candidacy_id, body, source, signature, signed_at, received_at)
            SELECT id, process_id, type, candidacy_id, body::jsonb, source, nullif(signature, ''),
                   CASE WHEN signed_at = 'NaN' THEN NULL ELSE to_timestamp(signed_at) END, received_at
              FROM unnest(\(events.map(\.id))::text[], \(events.map(\.processID))::text[], \(events.map(\.kind.rawValue))::text[],
                          \(events.map(\.candidacyID))::text[], \(events.map(\.body))::text[], \(events.map(\.source.rawValue))::text[],
                          \(events.map { $0.signature ?? "" })::text[], \(events.map { $0.signedAt?.timeIntervalSince1970 ?? .nan })::float8[],
                          \(events.map(\.receivedAt))::timestamptz[]) WITH ORDINALITY
                   AS t(id, process_id, type, candidacy_id, body, source, signature, signed_at, received_at, ord)
             ORDER BY ord
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).decode(String.self) { recorded.insert(id) }
        var outcomes: [RecordOutcome] = []
        var seen: Set<String> = []
        for event in events {
            if recorded.contains(event.id), seen.insert(event.id).inserted {
                outcomes.append(.recorded)
            } else {
                outcomes.append(.duplicate(try await self.event(id: event.id, on: connection)?.status ?? .pending))
            }
        }
        return outcomes
    }
}

extension RegistrationEventRepository {
    /// The id of the oldest pending event, if any.
    public func oldestPending(on connection: PostgresConnection) async throws -> String? {
        for try await id in try await connection.query(
            """
            SELECT id FROM registration_events WHERE status IN ('pending', 'held') AND status = 'pending' ORDER BY received_at, id LIMIT 1
            """, logger: logger
        ).decode(String.self) { return id }
        return nil
    }
}

extension RegistrationEventRepository {
    /// Claims, on the caller's transaction, the events `ids` still pending or held that no
    /// other transaction holds, oldest first (primary-key look-ups, no scan of the backlog).
    public func claim(ids: [String], on connection: PostgresConnection) async throws -> [RegistrationEvent] {
        try await list(
            """
            SELECT \(unescaped: Self.columns) FROM registration_events
             WHERE id = ANY(\(ids)::text[]) AND status IN ('pending', 'held')
             ORDER BY received_at, id FOR UPDATE SKIP LOCKED
            """, on: connection)
    }
}
