import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

@Suite("AuditLog")
struct AuditLogTests {
    @Test func appendsAndReadsBackToTheSecond() async throws {
        try await TestDatabase.with { db in
            let log = StorageFactories.audit(db)
            let at = Date(timeIntervalSince1970: 1_712_000_000.4)
            try await db.client.withConnection { connection in
                try await log.appendMany(
                    [
                        .candidacy("C-1", "curricular.save", by: .system("test"), changes: ["fields": "photo"], at: at),
                        AuditEntry(
                            actor: AuditActor(role: .itStaff, id: "it-1"), action: "account.disable",
                            subjectType: "account", subjectID: "A-1", occurredAt: at),
                    ], on: connection)
            }
            let records = try await log.records(forCandidacy: "C-1")
            #expect(records.count == 1)
            #expect(records[0].entry.changes == ["fields": "photo"])
            #expect(records[0].entry.occurredAt == Date(timeIntervalSince1970: 1_712_000_000))
            #expect(try await log.records(subjectType: "account", subjectID: "A-1").first?.entry.actor.role == "informatica")
        }
    }

    /// The application connects as the table owner; the triggers refuse it anyway.
    @Test func theApplicationRoleCannotUpdateDeleteOrTruncateAuditRows() async throws {
        try await TestDatabase.with { db in
            try await StorageFactories.audit(db).append(.candidacy("C-1", "profile.transition", by: .system("test")))
            var owner = ""
            for try await name in try await db.client.query(
                "SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'audit_log'"
            ).decode(Bool.self) {
                owner = name ? "owner" : "not owner"
            }
            #expect(owner == "owner", "the test connects as the role the application uses, which owns the table")
            for statement: PostgresQuery in [
                "UPDATE audit_log SET actor_id = 'someone-else'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
            ] {
                let error = await #expect(throws: (any Error).self) { try await db.client.query(statement) }
                #expect(StorageFactories.sqlState(error) == "42501", "\(statement.sql): \(String(describing: error))")
                #expect(PostgresErrorText.describe(error!).contains("append-only"))
            }
            var rows: [(Int, String)] = []
            for try await row in try await db.client.query("SELECT count(*)::int8, min(actor_id) FROM audit_log").decode((Int, String).self) {
                rows.append(row)
            }
            #expect(rows.first?.0 == 1)
            #expect(rows.first?.1 == "test")
        }
    }

    @Test func privilegesAreRevokedFromPublic() async throws {
        try await TestDatabase.with { db in
            var grants = -1
            for try await count in try await db.client.query(
                """
                SELECT count(*) FROM information_schema.role_table_grants
                 WHERE table_name = 'audit_log' AND grantee = 'PUBLIC' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
                """
            ).decode(Int.self) { grants = count }
            #expect(grants == 0)
        }
    }
}
