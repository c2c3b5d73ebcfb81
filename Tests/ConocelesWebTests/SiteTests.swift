import ConocelesConfig
import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The shared secret the web tests sign events with.
let testEventSecret = String(repeating: "s", count: 40)

func testContext(_ db: Database, _ process: ElectionProcess) -> WebContext {
    WebContext(
        database: db, process: process, catalogs: jaliscoCatalogs, eventSecret: testEventSecret, cipher: testCipher,
        blobs: FileBlobStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("conoceles-web-\(UUID().uuidString)").path))
}

/// The key the web tests seal identity answers with.
let testCipher = try! SensitiveDataCipher(key: [UInt8](repeating: 9, count: 32), keyID: "web-test")

/// The catalogs of the Jalisco process of `config/`.
let jaliscoCatalogs = try! ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config").1

func jalisco() throws -> ElectionProcess {
    try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(repositoryRoot)/config").0
}

@Suite("Site")
struct SiteTests {
    @Test func healthAnswers200WhenTheDatabaseAnswers() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db in
            let router = WebApplication.buildRouter(context: testContext(db, process))
            let app = Application(router: router)
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test func healthAnswers503WhenTheDatabaseIsGone() async throws {
        let process = try jalisco()
        var endpoint = TestDatabase.adminEndpoint
        endpoint.port = 9
        let db = Database(endpoint: endpoint, maximumConnections: 1, logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await db.run() }
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                }
            }
            group.cancelAll()
        }
    }

    @Test func homePageIsSpanishAndNamesTheProcess() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db in
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let body = String(buffer: response.body)
                    #expect(body.contains("lang=\"es-MX\""))
                    #expect(body.contains("Candidatas y Candidatos, Conóceles"))
                    #expect(body.contains("Proceso Electoral Local Concurrente 2023-2024"))
                }
            }
        }
    }

    @Test func escapeNeutralizesMarkup() {
        #expect(
            HTMLPage.escape("<script>alert('x')</script> & \"y\"")
                == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;")
    }
}
