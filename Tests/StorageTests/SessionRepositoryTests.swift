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
            let sessions = SessionRepository(
                client: db.client, logger: TestDatabase.logger, idleTimeout: .seconds(600),
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

    @Test func attemptsAreCountedBeforeTheCheckAndWaitLongerAfterEachFailure() async throws {
        try await TestDatabase.with { db in
            let account = LoginThrottle.Policy(freeFailures: 3, firstDelay: .seconds(30), maximumDelay: .seconds(120), forgetAfter: .seconds(3_600))
            let address = LoginThrottle.Policy(freeFailures: 5, firstDelay: .seconds(10), maximumDelay: .seconds(60), forgetAfter: .seconds(600))
            let throttle = LoginThrottle(client: db.client, logger: TestDatabase.logger, account: account, address: address)
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())  // PostgreSQL keeps microseconds
            // Three free attempts for a username (counted at `begin`, whatever their outcome)…
            for _ in 0..<3 { #expect(try await throttle.begin(username: "Ana", address: "10.0.0.1", at: now) == .allowed) }
            // …then a wait of 30 s, from any address, and nothing is counted meanwhile.
            #expect(try await throttle.begin(username: "ana", address: "10.0.0.9", at: now) == .refused(retryAt: now.addingTimeInterval(30)))
            #expect(try await throttle.begin(username: "ana", address: "10.0.0.9", at: now.addingTimeInterval(29)) != .allowed)
            #expect(try await throttle.begin(username: "ana", address: "10.0.0.9", at: now.addingTimeInterval(30)) == .allowed)
            // The next wait doubles (60 s after the fourth counted attempt), up to the maximum.
            let later = now.addingTimeInterval(30)
            #expect(
                try await throttle.begin(username: "ana", address: "10.0.0.9", at: later.addingTimeInterval(59))
                    == .refused(retryAt: later.addingTimeInterval(60)))
            #expect(account.delay(afterFailures: 2) == .zero && account.delay(afterFailures: 3) == .seconds(30))
            #expect(account.delay(afterFailures: 5) == .seconds(120) && account.delay(afterFailures: 500) == .seconds(120))
            // A success clears the username's counter; a reset does too.
            try await throttle.finish(username: "ana", address: "10.0.0.9", succeeded: true, at: later)
            #expect(try await throttle.begin(username: "ana", address: "10.0.0.9", at: later) == .allowed)
            try await throttle.clear(username: "ANA")
            let stored = try await db.client.query("SELECT count(*)::int FROM sign_in_throttles WHERE scope = 'account'").collect().first?.decode(Int.self)
            #expect(stored == 0)
            // Per address: failures (counted after the check) from many usernames; successes never count.
            for name in ["b", "c", "d", "e", "f"] {
                #expect(try await throttle.begin(username: name, address: "10.0.0.1", at: now) == .allowed)
                try await throttle.finish(username: name, address: "10.0.0.1", succeeded: false, at: now)
            }
            #expect(try await throttle.begin(username: "otra", address: "10.0.0.1", at: now) == .refused(retryAt: now.addingTimeInterval(10)))
            #expect(try await throttle.begin(username: "otra", address: "10.0.0.2", at: now) == .allowed)
            for name in (0..<20).map({ "ok\($0)" }) {
                #expect(try await throttle.begin(username: name, address: "10.0.0.3", at: now) == .allowed)
                try await throttle.finish(username: name, address: "10.0.0.3", succeeded: true, at: now)
            }
            #expect(try await throttle.begin(username: "ok-21", address: "10.0.0.3", at: now) == .allowed)
            // Counters go when forgotten; the history after its retention.
            #expect(try await throttle.begin(username: "g", address: "10.0.0.1", at: now.addingTimeInterval(601)) == .allowed)
            #expect(try await throttle.purge(olderThan: .seconds(60), at: now.addingTimeInterval(120)) == 26)
            #expect(try await throttle.purge(olderThan: .seconds(60), at: now.addingTimeInterval(7_200)) == 0)
            let left = try await db.client.query("SELECT count(*)::int FROM sign_in_throttles").collect().first?.decode(Int.self)
            #expect(left == 0)
        }
    }

    @Test func concurrentAttemptsNeverPassTheFreeFailures() async throws {
        try await TestDatabase.with { db in
            let throttle = LoginThrottle(client: db.client, logger: TestDatabase.logger)
            let now = Date()
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<40 { group.addTask { try await throttle.begin(username: "victima", address: "10.0.0.1", at: now) == .allowed } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == LoginThrottle.Policy.account.freeFailures)
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
