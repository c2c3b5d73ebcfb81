import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import Storage
import Synchronization
import Testing
import TestSupport

/// Issue 19: "every PostgreSQL wait bounded (… request deadlines)". A request whose work
/// does not end (a query waiting on a lock, or on a connection the server dropped, which
/// PostgresNIO never fails) is answered 503 within `http.request_timeout_seconds`, in
/// Spanish, with the security headers; other requests are not held up.
@Suite("Per-request deadline")
struct RequestDeadlineTests {
    /// A continuation that nothing resumes until the test says so: work that ignores cancellation.
    final class Gate: Sendable {
        private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])
        private let opened = Mutex(false)
        func wait() async {
            await withCheckedContinuation { continuation in
                let open = opened.withLock { $0 }
                if open { continuation.resume() } else { waiting.withLock { $0.append(continuation) } }
            }
        }
        func open() {
            opened.withLock { $0 = true }
            for continuation in waiting.withLock({ list in
                defer { list = [] }; return list
            }) { continuation.resume() }
        }
    }

    func withSite(limit: Duration, _ body: @Sendable @escaping (any TestClientProtocol, Database, Gate) async throws -> Void) async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            var context = testContext(db, process)
            context.requestTimeout = limit
            let gate = Gate()
            let router = WebApplication.buildRouter(context: context)
            router.get("/prueba/atorada") { _, _ -> String in
                await gate.wait()
                return "tarde"
            }
            router.get("/api/prueba/atorada") { _, _ -> String in
                await gate.wait()
                return "tarde"
            }
            let app = Application(responder: WebApplication.buildResponder(context: context, router: router))
            defer { gate.open() }
            try await app.test(.live) { client in try await body(client, db, gate) }
        }
    }

    @Test func aRequestWhoseWorkNeverEndsIsAnswered503WithinTheDeadline() async throws {
        try await withSite(limit: .seconds(1)) { client, _, _ in
            let started = ContinuousClock.now
            try await client.execute(uri: "/prueba/atorada", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("tardó demasiado"))
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            try await client.execute(uri: "/api/prueba/atorada", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(String(buffer: response.body).contains(#""code":"service_unavailable""#))
            }
            // Meanwhile the site answers as usual.
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aPageWaitingOnTheDatabaseEndsAt503AndTheSiteRecovers() async throws {
        try await withSite(limit: .seconds(2)) { client, db, _ in
            // Another session holds the publication's tables: the public API's queries wait.
            try await db.client.withConnection { locker in
                try await locker.query("BEGIN")
                try await locker.query(
                    """
                    LOCK TABLE publication_state, publication_snapshots, published_profiles, published_documents IN ACCESS EXCLUSIVE MODE
                    """)
                let started = ContinuousClock.now
                try await client.execute(uri: "/api/v1/publico/candidaturas", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                }
                let waited = ContinuousClock.now - started
                #expect(waited >= .seconds(2) && waited < .seconds(15), "\(waited)")
                try await locker.query("ROLLBACK")
            }
            try await client.execute(uri: "/api/v1/publico/candidaturas", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func formsThatWaitForBcryptGetALongerDeadline() throws {
        struct Nothing: HTTPResponder {
            func respond(to request: Request, context: WebRequestContext) async throws -> Response { Response(status: .ok) }
        }
        let responder = RequestDeadlineResponder(Nothing(), limit: .seconds(30), strictTransportSecurity: false)
        func request(_ method: HTTPRequest.Method, _ path: String) -> Request {
            Request(head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path), body: .init(buffer: ByteBuffer()))
        }
        // A sign-in storm queues for the bcrypt pool (200 at once: about 27 s on 2 cores).
        #expect(responder.limit(for: request(.post, "/entrar")) == .seconds(120))
        #expect(responder.limit(for: request(.post, "/activar")) == .seconds(120))
        #expect(responder.limit(for: request(.post, "/restablecer")) == .seconds(120))
        #expect(responder.limit(for: request(.get, "/entrar")) == .seconds(30))
        #expect(responder.limit(for: request(.post, "/candidaturas/C-1/curricular")) == .seconds(30))
    }

    @Test func theDeadlineIsConfigured() async throws {
        let configuration = try await AppConfigurationTestSupport.load(["CONOCELES_HTTP_REQUEST_TIMEOUT_SECONDS": "0"])
        #expect(configuration == nil, "a zero deadline was accepted")
        let defaults = try #require(try await AppConfigurationTestSupport.load([:]))
        #expect(defaults.http.requestTimeoutSeconds == 30)
        let set = try #require(try await AppConfigurationTestSupport.load(["CONOCELES_HTTP_REQUEST_TIMEOUT_SECONDS": "7"]))
        #expect(set.http.requestTimeoutSeconds == 7)
    }
}

import ConocelesConfig

/// Loads `config/conoceles.yaml` with test secrets and `overrides`; nil when the
/// configuration is refused.
enum AppConfigurationTestSupport {
    static func load(_ overrides: [String: String]) async throws -> AppConfiguration? {
        var environment = [
            "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
        ]
        environment.merge(overrides) { $1 }
        do {
            return try await AppConfiguration.load(file: "\(repositoryRoot)/config/conoceles.yaml", environment: environment)
        } catch is ConfigurationError {
            return nil
        }
    }
}
