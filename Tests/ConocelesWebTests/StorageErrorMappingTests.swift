@testable import ConocelesWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

/// `StorageError.status`, the one mapping of storage refusals to HTTP, as
/// `ErrorPageMiddleware` answers a refusal no route turned into a page of its own.
@Suite("Storage errors over HTTP")
struct StorageErrorMappingTests {
    static let cases: [(StorageError.Code, Int)] = [(.notFound, 404), (.conflict, 409), (.stale, 409), (.blocked, 423)]

    @Test func anUncaughtRefusalIsAnsweredWithItsStatusAndItsSpanishMessage() async throws {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: ErrorPageMiddleware())
        router.get("/prueba/:code") { _, ctx -> String in
            let code = StorageError.Code(rawValue: ctx.parameters.get("code") ?? "") ?? .invalidStoredData
            throw StorageError(code, "Mensaje de prueba: \(code.rawValue)")
        }
        router.get("/api/prueba") { _, _ -> String in throw StorageError(.conflict, "Ya existe.") }
        try await Application(router: router).test(.router) { client in
            for (code, status) in Self.cases {
                try await client.execute(uri: "/prueba/\(code.rawValue)", method: .get) { response in
                    #expect(response.status.code == status, "\(code)")
                    #expect(String(buffer: response.body).contains("Mensaje de prueba: \(code.rawValue)"))
                }
            }
            // Unreadable stored data is the site's own failure: a 500 that reveals nothing of it.
            try await client.execute(uri: "/prueba/invalid_stored_data", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(!String(buffer: response.body).contains("Mensaje de prueba"))
            }
            try await client.execute(uri: "/api/prueba", method: .get) { response in
                #expect(response.status == .conflict)
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(String(buffer: response.body).contains("Ya existe."))
            }
        }
    }
}
