@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Testing
import TestSupport

/// Issue 19: `/activar?token=`, `/restablecer?token=` and `?csrf=` were written to the debug
/// log (Hummingbird's request logging writes the whole URI).
@Suite("No secret in any log line")
struct LogRedactionTests {
    @Test func debugLogsOfRequestsCarryingTokensDoNotContainThem() async throws {
        let lines = LogLines()
        var logger = Logger(label: "conoceles.test") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .trace
        let activation = "ActivacionSecreta" + UUID().uuidString, reset = "RestablecerSecreto" + UUID().uuidString
        let other = "OtroSecreto" + UUID().uuidString
        try await SecuritySite.with(logger: logger) { browser, db async throws in
            try await WebFixtures.representativeAccount(db, party: "PAN")
            _ = try await browser.get("/activar?token=\(activation)")
            _ = try await browser.get("/restablecer?token=\(reset)&x=1")
            _ = try await browser.get("/entrar?siguiente=/inicio&contrasena=\(other)&Token=\(other)&password=\(other)&api_key=\(other)")
            try await browser.signIn("rep-pan")
            let csrf = try #require(browser.currentCSRF)
            // An upload carries its CSRF token in the query.
            _ = try await browser.upload("/candidaturas/carga", contentType: "text/csv", body: ByteBuffer(string: "a,b"))
            let all = lines.all
            #expect(all.contains { $0.contains("/activar?token=***") }, "the request was logged, redacted")
            #expect(all.contains { $0.contains("/candidaturas/carga?csrf=***") })
            #expect(all.contains { $0.contains("siguiente=/inicio") }, "other parameters stay")
            for secret in [activation, reset, other, csrf, WebFixtures.password] {
                #expect(!all.contains { $0.contains(secret) }, "a log line contains a secret")
            }
        }
    }

    @Test func theQueryValuesOfSecretKeysAreRedacted() {
        #expect(RequestLogMiddleware.redacted("/activar?token=abc") == "/activar?token=***")
        #expect(RequestLogMiddleware.redacted("/x?a=1&csrf=zz&b=2") == "/x?a=1&csrf=***&b=2")
        #expect(RequestLogMiddleware.redacted("/x?%74oken=zz") == "/x?%74oken=***")
        #expect(RequestLogMiddleware.redacted("/x?CONTRASENA=zz&contraseña=yy") == "/x?CONTRASENA=***&contraseña=***")
        #expect(RequestLogMiddleware.redacted("/perfil/PAN-1?pagina=2") == "/perfil/PAN-1?pagina=2")
        #expect(RequestLogMiddleware.redacted("/sin-consulta") == "/sin-consulta")
    }

    /// X-Request-Id: a sane incoming id is kept (a proxy's id follows the request), anything
    /// else (empty, too long, with spaces, quotes or line breaks that could forge log lines)
    /// is replaced by a fresh random one.
    @Test func requestIDsAreKeptWhenSaneAndGeneratedOtherwise() {
        #expect(RequestLogMiddleware.requestID("nginx-4f1c.2_a") == "nginx-4f1c.2_a")
        let generated = RequestLogMiddleware.requestID(nil)
        #expect(generated.count == 32 && generated.allSatisfy(\.isHexDigit))
        #expect(RequestLogMiddleware.requestID(nil) != generated)
        for bad in ["", String(repeating: "a", count: 65), "a b", "x\ninjected=1", "\"quoted\"", "ñandú"] {
            let id = RequestLogMiddleware.requestID(bad)
            #expect(id != bad && id.count == 32, "\(bad)")
        }
    }
}

/// Every line logged, as text.
final class LogLines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// A log handler that keeps each line (message and metadata) in `lines`.
struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}
