import ConocelesConfig
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// Issue 19: the throttle checked before it counted (40 concurrent wrong passwords for one
/// user all got 401: 40 guesses, not 5), then locked the username for 15 minutes for
/// everyone, and behind the documented proxy every client had the proxy's address.
@Suite("Sign-in throttle")
struct SignInThrottleTests {
    static let free = LoginThrottle.Policy.account.freeFailures

    /// The stored counter of `username`: how many attempts reached the password check.
    static func counted(_ db: Database, _ username: String) async throws -> Int {
        try await db.client.query("SELECT failures FROM sign_in_throttles WHERE scope = 'account' AND key = \(username)")
            .collect().first?.decode(Int.self) ?? 0
    }

    /// Moves the username's last counted attempt `seconds` into the past (the wait passing).
    static func wait(_ db: Database, _ username: String, seconds: Int) async throws {
        try await db.client.query(
            """
            UPDATE sign_in_throttles SET last_attempt_at = last_attempt_at - make_interval(secs => \(seconds))
             WHERE scope = 'account' AND key = \(username)
            """)
    }

    @Test(arguments: ["ana.staff", "nadie.existe"])
    func fortyConcurrentWrongPasswordsCheckAtMostTheLimitThenTheRightOneWorksAfterTheWait(username: String) async throws {
        try await SecuritySite.with { browser, db async throws in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            _ = try await browser.get("/entrar")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<40 {
                    group.addTask { try await browser.signIn(username, "equivocada-\(i)").status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            // At most the free attempts ran bcrypt (each is counted before it runs); the rest were refused unchecked.
            #expect(try await Self.counted(db, username) == Self.free)
            #expect(statuses.filter { $0 == .unauthorized }.count == Self.free)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 40 - Self.free)
            #expect(try await SecuritySite.count(db, "login_attempts") == Self.free)
            // Inside the wait even the right password is refused, unchecked, with when to retry.
            let refused = try await browser.signIn(username)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.text.contains("Demasiados intentos fallidos") && refused.text.contains(" segundos (hasta el "))
            #expect(refused.headers[.retryAfter].flatMap(Int.init).map { (1...30).contains($0) } == true)
            #expect(try await Self.counted(db, username) == Self.free)
            guard username == "ana.staff" else { return }
            // After the wait the right password works and clears the counter.
            try await Self.wait(db, username, seconds: 30)
            let signedIn = try await browser.signIn(username)
            #expect(signedIn.status == .seeOther && signedIn.location == "/inicio")
            #expect(try await Self.counted(db, username) == 0)
        }
    }

    @Test func theWaitDoublesAfterEachFurtherFailureAndAResetEndsIt() async throws {
        try await SecuritySite.with { browser, db async throws in
            let account = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            for i in 0..<Self.free { #expect(try await browser.signIn("ana.staff", "mala-\(i)").status == .unauthorized) }
            try await Self.wait(db, "ana.staff", seconds: 30)
            #expect(try await browser.signIn("ana.staff", "mala-otra").status == .unauthorized)
            // The next wait is 60 s: 30 s later it is still refused.
            try await Self.wait(db, "ana.staff", seconds: 30)
            let refused = try await browser.signIn("ana.staff")
            #expect(refused.status == .tooManyRequests && refused.text.contains(" segundos (hasta el "))
            // Whoever resets the password by e-mail owns the account: the wait ends.
            let token = try await PasswordResetRepository(client: db.client, logger: TestDatabase.logger).issue(accountID: account.id)
            let reset = try await browser.post(
                "/restablecer",
                [
                    ("token", token.value), ("contrasena", "otra-clave-muy-larga"),
                    ("confirmacion", "otra-clave-muy-larga"),
                ])
            #expect(reset.status == .ok)
            #expect(try await browser.signIn("ana.staff", "otra-clave-muy-larga").location == "/inicio")
        }
    }

    @Test func anotherPersonsWrongPasswordsNeverLockTheAccountForLong() {
        // The longest wait, whatever the number of failures, is 15 minutes (not a lock), and
        // each wait is only reached by attempts that were allowed to run.
        let policy = LoginThrottle.Policy.account
        #expect(policy.delay(afterFailures: policy.freeFailures) == .seconds(30))
        #expect(policy.delay(afterFailures: policy.freeFailures + 1) == .seconds(60))
        #expect(policy.delay(afterFailures: 10_000) == .seconds(15 * 60))
        #expect(
            SessionController.throttledMessage(
                retryAt: Date(timeIntervalSince1970: 1_000_000), timeZone: "America/Mexico_City",
                now: Date(timeIntervalSince1970: 1_000_000 - 125)
            ).contains("Espere 3 minutos"))
    }

    @Test func forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() async throws {
        // In process (no peer), a client writing X-Forwarded-For changes nothing.
        try await SecuritySite.with { browser, db async throws in
            for i in 0..<3 {
                var headers = HTTPFields()
                headers[.contentType] = "application/x-www-form-urlencoded"
                headers[HTTPField.Name("X-Forwarded-For")!] = "198.51.100.\(i)"
                _ = try await browser.get("/entrar")
                let body = Browser.encode([("usuario", "u\(i)"), ("contrasena", "x"), ("csrf", browser.currentCSRF ?? "")])
                _ = try await browser.send("/entrar", method: .post, headers: headers, body: .init(string: body))
            }
            #expect(try await SecuritySite.count(db, "sign_in_throttles", where: "scope = 'address' AND key = 'desconocida'") == 1)
            #expect(try await SecuritySite.count(db, "sign_in_throttles", where: "scope = 'address' AND key LIKE '198.%'") == 0)
        }
        // On a real port: the loopback peer, not trusted, is the client…
        try await SecuritySite.with(setup: .live) { browser, db async throws in
            try await Self.failWithForwardedFor(browser, "203.0.113.7")
            let peer = try await Self.addresses(db)
            #expect(peer == ["127.0.0.1"] || peer == ["::1"])
        }
        // …and, trusted, the address it names (the rightmost that is not itself a trusted proxy).
        try await SecuritySite.with(setup: .live, configure: { $0.trustedProxies = AddressRange.loopback }) { browser, db async throws in
            try await Self.failWithForwardedFor(browser, "10.9.9.9, 203.0.113.7, 127.0.0.5")
            #expect(try await Self.addresses(db) == ["203.0.113.7"])
        }
    }

    @Test func theClientAddressIsTheRightmostUntrustedHop() {
        let trusted = [AddressRange("10.0.0.0/8")!, AddressRange("::1")!]
        #expect(ClientAddressMiddleware.client(peer: "10.0.0.2", forwardedFor: ["1.2.3.4", "5.6.7.8"], trusted: trusted) == "5.6.7.8")
        #expect(ClientAddressMiddleware.client(peer: "10.0.0.2", forwardedFor: ["1.2.3.4", "5.6.7.8", "10.0.0.3"], trusted: trusted) == "5.6.7.8")
        #expect(ClientAddressMiddleware.client(peer: "203.0.113.1", forwardedFor: ["1.2.3.4"], trusted: trusted) == "203.0.113.1")
        #expect(ClientAddressMiddleware.client(peer: "10.0.0.2", forwardedFor: [], trusted: trusted) == "10.0.0.2")
        #expect(ClientAddressMiddleware.client(peer: "10.0.0.2", forwardedFor: ["no-es-ip"], trusted: trusted) == "10.0.0.2")
        #expect(ClientAddressMiddleware.client(peer: "::1", forwardedFor: ["2001:db8::1"], trusted: trusted) == "2001:db8::1")
        #expect(ClientAddressMiddleware.client(peer: "::ffff:10.0.0.2", forwardedFor: ["1.2.3.4"], trusted: trusted) == "1.2.3.4")
        #expect(ClientAddressMiddleware.client(peer: nil, forwardedFor: ["1.2.3.4"], trusted: trusted) == nil)
        #expect(AddressRange("10.0.0.0/33") == nil && AddressRange("nginx") == nil && AddressRange("fd00::/8") != nil)
    }

    static func failWithForwardedFor(_ browser: Browser, _ forwardedFor: String) async throws {
        _ = try await browser.get("/entrar")
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor
        let body = Browser.encode([("usuario", "alguien"), ("contrasena", "x"), ("csrf", browser.currentCSRF ?? "")])
        let response = try await browser.send("/entrar", method: .post, headers: headers, body: .init(string: body))
        #expect(response.status == .unauthorized)
    }

    static func addresses(_ db: Database) async throws -> [String] {
        try await db.client.query("SELECT key FROM sign_in_throttles WHERE scope = 'address' ORDER BY key").collect().map { try $0.decode(String.self) }
    }
}
