import ConocelesCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("Sessions, sign-in limits and reset links")
struct SessionRepositoryTests {
    func account(_ db: Database, disabled: Bool = false) async throws -> Account {
        let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
        let (_, token) = try await accounts.create(
            .staff(.transparencyStaff, username: "luz.staff", email: "luz@example.org", displayName: "Luz"),
            activationTTL: .seconds(3_600), by: .system("test"))
        let account = try await accounts.activate(token: token, passwordHash: "$2b$04$abcdefghijklmnopqrstuuN5m0P0W8lM5QZ6VjZ2c9y1wq7P9Bq6")
        if disabled { try await accounts.disable(accountID: account.id, by: .system("test")) }
        return account
    }

    @Test func aSessionLivesUntilIdleOrAbsoluteExpiry() async throws {
        try await TestDatabase.with { db in
            let account = try await account(db)
            let sessions = SessionRepository(client: db.client, logger: TestDatabase.logger, idleTimeout: .seconds(600),
                                             maximumLifetime: .seconds(3_600))
            let start = Date()
            let token = try await sessions.create(accountID: account.id, at: start)
            #expect(try await sessions.resolve(token, at: start.addingTimeInterval(300))?.id == account.id)
            // Used at +5 min, so it lives until +15 min; not at +16.
            #expect(try await sessions.resolve(token, at: start.addingTimeInterval(840)) != nil)
            // Activity keeps it alive, but never past the absolute lifetime.
            var now = start
            for _ in 0..<6 {
                now = now.addingTimeInterval(540)
                #expect(try await sessions.resolve(token, at: now) != nil)
            }
            #expect(try await sessions.resolve(token, at: start.addingTimeInterval(3_601)) == nil)
            #expect(try await sessions.resolve(SecretToken.generate(), at: start) == nil)
            #expect(try await sessions.purgeExpired(at: start.addingTimeInterval(3_601)) == 1)
        }
    }

    @Test func aDisabledAccountsSessionStopsWorking() async throws {
        try await TestDatabase.with { db in
            let account = try await account(db)
            let sessions = SessionRepository(client: db.client, logger: TestDatabase.logger, idleTimeout: .seconds(600))
            let token = try await sessions.create(accountID: account.id)
            try await AccountRepository(client: db.client, logger: TestDatabase.logger).disable(accountID: account.id, by: .system("test"))
            #expect(try await sessions.resolve(token) == nil)
            let stored = try await db.client.query("SELECT count(*) FROM web_sessions WHERE token_hash = \(token.hash)")
                .collect().first?.decode(Int.self)
            #expect(stored == 1)
            try await sessions.revokeAll(accountID: account.id)
            #expect(try await db.client.query("SELECT count(*) FROM web_sessions").collect().first?.decode(Int.self) == 0)
        }
    }

    @Test func failuresAreLimitedPerUsernameAndPerAddress() async throws {
        try await TestDatabase.with { db in
            let throttle = LoginThrottle(client: db.client, logger: TestDatabase.logger, maximumFailuresPerAccount: 3,
                                         maximumFailuresPerAddress: 5, window: .seconds(900))
            let now = Date()
            for _ in 0..<3 { try await throttle.record(username: "Ana", address: "10.0.0.1", succeeded: false, at: now) }
            #expect(try await throttle.allows(username: "ana", address: "10.0.0.9", at: now) == false)
            #expect(try await throttle.allows(username: "otra", address: "10.0.0.1", at: now))
            for name in ["b", "c"] { try await throttle.record(username: name, address: "10.0.0.1", succeeded: false, at: now) }
            #expect(try await throttle.allows(username: "otra", address: "10.0.0.1", at: now) == false)
            // Successes do not count; the window passes.
            try await throttle.record(username: "d", address: "10.0.0.2", succeeded: true, at: now)
            #expect(try await throttle.allows(username: "d", address: "10.0.0.2", at: now))
            #expect(try await throttle.allows(username: "ana", address: "10.0.0.1", at: now.addingTimeInterval(901)))
            #expect(try await throttle.purge(olderThan: .seconds(60), at: now.addingTimeInterval(120)) == 6)
        }
    }

    @Test func aResetLinkWorksOnceAndThenIsPurged() async throws {
        try await TestDatabase.with { db in
            let account = try await account(db)
            let resets = PasswordResetRepository(client: db.client, logger: TestDatabase.logger, lifetime: .seconds(3_600))
            let token = try await resets.issue(accountID: account.id)
            let other = try await resets.issue(accountID: account.id)
            #expect(try await resets.account(for: token)?.id == account.id)
            let hash = "$2b$04$zyxwvutsrqponmlkjihgfeuN5m0P0W8lM5QZ6VjZ2c9y1wq7P9Bq6"
            _ = try await resets.reset(token: token, passwordHash: hash)
            #expect(try await AccountRepository(client: db.client, logger: TestDatabase.logger).credentials(username: "luz.staff")?.1 == hash)
            await #expect(throws: StorageError.self) { try await resets.reset(token: token, passwordHash: hash) }
            // Using one link forgets the account's other pending links.
            #expect(try await resets.account(for: other) == nil)
            #expect(try await resets.purgeFinished() == 1)
            let audited = try await AuditLog(client: db.client, logger: TestDatabase.logger)
                .records(subjectType: "account", subjectID: account.id.uuidString).map(\.entry.action)
            #expect(audited.contains("account.password_reset"))
        }
    }
}
