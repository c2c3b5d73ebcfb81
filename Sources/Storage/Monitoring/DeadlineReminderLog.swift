import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// The record of deadline reminders sent (`deadline_reminders`): at most one per entity,
/// deadline and reminder day.
public struct DeadlineReminderLog: Sendable {
    /// Which reminder: the entity, the deadline and how many days before it.
    public struct Key: Sendable, Hashable {
        public var processID: String
        public var entity: PostulatingEntity
        public var deadline: LocalDate
        public var reminderDay: Int

        public init(processID: String, entity: PostulatingEntity, deadline: LocalDate, reminderDay: Int) {
            self.processID = processID
            self.entity = entity
            self.deadline = deadline
            self.reminderDay = reminderDay
        }
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records the reminder `key` and runs `send` inside the same transaction: when the
    /// reminder was already recorded nothing is sent and false comes back; when `send`
    /// throws nothing is recorded (a retry sends it). A concurrent call for the same key
    /// waits on the unique key until this one commits, then finds it and skips.
    public func sendOnce(
        _ key: Key, accountID: UUID, candidacies: Int, at now: Date, send: () async throws -> Void
    ) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            var inserted = false
            for try await _ in try await connection.query(
                """
                INSERT INTO deadline_reminders (process_id, entity_kind, entity_code, deadline, reminder_day, account_id, candidacies, sent_at)
                VALUES (\(key.processID), \(key.entity.kind.rawValue), \(key.entity.code), \(key.deadline.description)::date,
                        \(key.reminderDay), \(accountID), \(candidacies), \(now))
                ON CONFLICT ON CONSTRAINT deadline_reminders_once DO NOTHING
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { inserted = true }
            guard inserted else { return false }
            try await send()
            return true
        }
    }

    /// How many reminders were recorded for `processID` (all entities and deadlines).
    public func count(processID: String) async throws -> Int {
        var count = 0
        for try await value in try await client.query(
            "SELECT count(*) FROM deadline_reminders WHERE process_id = \(processID)", logger: logger
        ).decode(Int.self) { count = value }
        return count
    }
}
