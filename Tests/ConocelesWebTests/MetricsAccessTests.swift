import ConocelesConfig
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TestSupport

/// Issue 19: `/metrics` was public (also as `/metrics/`, which a proxy rule on `/metrics`
/// misses), took ~1 s per request and its `mail.password_reset` figures told whether
/// `POST /recuperar` named a real account.
@Suite("Who may read /metrics, and what it tells")
struct MetricsAccessTests {
    static let token = "token-de-metricas-0123456789abcdef"

    /// Every spelling of the path a client could try.
    static let spellings = [
        "/metrics", "/metrics/", "//metrics", "///metrics/", "/METRICS", "/Metrics", "/metrics?x", "/metrics?x=1",
        "/metrics/?x", "/%6Detrics", "/metrics%2F", "/./metrics", "/estatico/../metrics", "/metrics;x", "/metrics/.",
    ]

    static func withToken(_ context: inout WebContext) {
        context.metricsAccess = AppConfiguration.MetricsSettings(token: token)
        context.metricsCache = MetricsCache(maximumAge: .zero)
    }

    func scrape(
        _ browser: Browser, _ path: String, method: HTTPRequest.Method = .get, authorization: String? = nil,
        forwardedFor: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        if let forwardedFor { headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor }
        return try await browser.send(path, method: method, headers: headers, body: nil)
    }

    @Test func onlyTheRightBearerTokenReadsThemOnEverySpelling() async throws {
        try await SecuritySite.with(configure: Self.withToken) { browser, _ async throws in
            for path in Self.spellings {
                for method in [HTTPRequest.Method.get, .head] {
                    for authorization in [
                        nil, "Bearer equivocado", "Bearer \(Self.token)x", "Bearer " + Self.token.dropLast(),
                        "Basic \(Self.token)", Self.token, "Bearer",
                    ] as [String?] {
                        let response = try await scrape(browser, path, method: method, authorization: authorization)
                        #expect(response.status != .ok, "\(method) \(path) with \(authorization ?? "nothing") answered 200")
                        #expect(!response.text.contains("conoceles_"), "\(method) \(path) leaked metrics")
                    }
                    let right = try await scrape(browser, path, method: method, authorization: "Bearer \(Self.token)")
                    #expect([.ok, .notFound, .badRequest].contains(right.status), "\(method) \(path): \(right.status)")
                    if method == .get, right.status == .ok { #expect(right.text.contains("conoceles_accounts_late")) }
                }
            }
            for path in ["/metrics", "/metrics/", "/metrics?x"] {
                let right = try await scrape(browser, path, authorization: "bearer \(Self.token)")
                #expect(right.status == .ok, "\(path)")
                #expect(right.text.contains("# TYPE conoceles_jobs gauge"), "\(path)")
                #expect(right.headers[.cacheControl] == "no-store")
            }
        }
    }

    /// The mail server's alert is a gauge: 1 with the problem's code while mail does not go
    /// out (as the workers record it), 0 once a message went through.
    @Test func theMailServerAlertIsAGauge() async throws {
        try await SecuritySite.with(configure: Self.withToken) { browser, db async throws in
            let status = MailServerStatusRepository(client: db.client, logger: TestDatabase.logger)
            let before = try await scrape(browser, "/metrics", authorization: "Bearer \(Self.token)").text
            #expect(before.contains("conoceles_mail_server_problem{code=\"\"} 0"))
            try await status.recordProblem(code: "authentication_failed", detail: "535 5.7.8 Authentication credentials invalid")
            let during = try await scrape(browser, "/metrics", authorization: "Bearer \(Self.token)").text
            #expect(during.contains("conoceles_mail_server_problem{code=\"authentication_failed\"} 1"))
            #expect(during.contains("# TYPE conoceles_mail_server_problem_seconds gauge"))
            try await status.recordSuccess()
            let after = try await scrape(browser, "/metrics", authorization: "Bearer \(Self.token)").text
            #expect(after.contains("conoceles_mail_server_problem{code=\"\"} 0"))
        }
    }

    @Test func withoutATokenOnlyLoopbackClientsNotBehindAnUnconfiguredProxy() async throws {
        // In process there is no peer address: nobody without the token.
        try await SecuritySite.with { browser, _ async throws in
            #expect(try await scrape(browser, "/metrics").status == .notFound)
            #expect(try await scrape(browser, "/metrics", authorization: "Bearer \(Self.token)").status == .notFound, "no token configured")
        }
        // On a loopback port the peer is 127.0.0.1, allowed by default…
        try await SecuritySite.with(setup: .live) { browser, _ async throws in
            #expect(try await scrape(browser, "/metrics").status == .ok)
            #expect(try await scrape(browser, "/metrics/").status == .ok)
            // …unless the request came through a proxy nobody configured (nginx on the same machine).
            #expect(try await scrape(browser, "/metrics", forwardedFor: "203.0.113.9").status == .notFound)
            #expect(try await scrape(browser, "/metrics/", forwardedFor: "127.0.0.1").status == .notFound)
        }
        // With that proxy trusted, the client it names is what counts.
        try await SecuritySite.with(setup: .live, configure: { $0.trustedProxies = AddressRange.loopback }) { browser, _ async throws in
            #expect(try await scrape(browser, "/metrics", forwardedFor: "203.0.113.9").status == .notFound)
            #expect(try await scrape(browser, "/metrics", forwardedFor: "203.0.113.9, 127.0.0.1").status == .notFound)
            #expect(try await scrape(browser, "/metrics", forwardedFor: "127.0.0.1").status == .ok)
        }
        // No address allowed: the token only.
        try await SecuritySite.with(
            setup: .live,
            configure: {
                $0.metricsAccess = AppConfiguration.MetricsSettings(token: Self.token, allowedAddresses: [])
            }
        ) { browser, _ async throws in
            #expect(try await scrape(browser, "/metrics").status == .notFound)
            #expect(try await scrape(browser, "/metrics", authorization: "Bearer \(Self.token)").status == .ok)
        }
    }

    @Test func aScrapeStormRendersTheDatabaseFiguresOnce() async throws {
        let renders = Counter()
        let cache = MetricsCache(maximumAge: .seconds(60))
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.text {
                        await renders.add()
                        try await Task.sleep(for: .milliseconds(50))
                        return "figures"
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(texts == Array(repeating: "figures", count: 50))
        #expect(await renders.value == 1)
    }

    /// What `/recuperar` answers for `given` (the browser's CSRF token blanked), and the
    /// figures afterwards (without the queue lag and the HTTP latency histogram, which are
    /// clock readings, in sorted lines: the registry's order of families is not fixed), on a
    /// fresh site with one account, `ana.staff` (`staff@example.org`). The HTTP request
    /// counts stay in: they must not differ either.
    func recovery(_ given: [String]) async throws -> [(status: HTTPResponse.Status, page: String, figures: String)] {
        let outcomes = Outcomes()
        try await SecuritySite.with(configure: Self.withToken) { browser, db async throws in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            for name in given {
                let answer = try await browser.post("/recuperar", [("usuario", name)])
                let figures = try await scrape(browser, "/metrics", authorization: "Bearer \(Self.token)").text
                    .split(separator: "\n")
                    .filter { !$0.hasPrefix("conoceles_queue_lag_seconds") && !$0.hasPrefix("conoceles_http_request_duration_seconds") }
                    .sorted().joined(separator: "\n")
                await outcomes.add((answer.status, answer.text.replacingOccurrences(of: browser.currentCSRF ?? "-", with: "CSRF"), figures))
            }
        }
        return await outcomes.list
    }

    @Test func recoveryGivesTheSameAnswerAndFiguresForARealAndAnUnknownAccount() async throws {
        for (real, fake) in [("ana.staff", "nadie.aqui"), ("staff@example.org", "nadie@example.org"), ("ANA.STAFF", "Nadie.Aqui")] {
            // Once, then again within the 5 minutes of deduplication.
            let realOutcomes = try await recovery([real, real])
            let fakeOutcomes = try await recovery([fake, fake])
            for (r, f) in zip(realOutcomes, fakeOutcomes) {
                #expect(r.status == .ok && f.status == .ok)
                #expect(r.page == f.page, "the page differs for \(real) and \(fake)")
                #expect(r.figures == f.figures, "the metrics differ for \(real) and \(fake)")
                #expect(!r.figures.contains("password_reset"))
                #expect(r.figures.contains("conoceles_accounts_late"))
                #expect(r.figures.contains(#"conoceles_http_requests_total{route="/recuperar",method="POST",status="2xx"}"#))
            }
        }
    }

    @Test func anUnknownNameGetsADecoyJobThatSendsNothing() async throws {
        try await SecuritySite.with { browser, db async throws in
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            _ = try await browser.post("/recuperar", [("usuario", "nadie.aqui")])
            _ = try await browser.post("/recuperar", [("usuario", "nadie.aqui")])
            let ids = try await db.client.query("SELECT args->>'account_id' FROM jobs WHERE kind = 'mail.password_reset'").collect()
                .map { try $0.decode(String.self) }
            #expect(ids == [SessionController.decoyAccountID("nadie.aqui").uuidString])
            #expect(try await SecuritySite.count(db, "accounts", where: "id = '\(ids[0])'") == 0)
        }
    }
}

/// Outcomes collected inside a site.
actor Outcomes {
    private(set) var list: [(status: HTTPResponse.Status, page: String, figures: String)] = []
    func add(_ outcome: (HTTPResponse.Status, String, String)) { list.append(outcome) }
}

/// A counter tasks may bump.
actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}
