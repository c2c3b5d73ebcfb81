import ConocelesConfig
import ConocelesJobs
import Foundation
import Storage
import Testing

/// `sslmode` with libpq's meanings and a CA file (`sslrootcert` or `database.ca_file`); the real
/// TLS connections to a server with a self-signed certificate are in Tests/e2e/test_database_tls.py.
@Suite("Database TLS settings")
struct DatabaseTLSTests {
    typealias TLS = DatabaseEndpoint.TLS

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func tls(_ query: String) throws -> TLS {
        TLS(try DatabaseURL(parsing: "postgres://app@db.example:5432/conoceles" + query))
    }

    @Test func eachSSLModeMeansWhatItMeansInLibpq() throws {
        #expect(try tls("") == .disable, "no sslmode: no TLS, as before")
        #expect(try tls("?sslmode=disable") == .disable)
        // allow and prefer: TLS when offered, never verified, plain otherwise.
        #expect(try tls("?sslmode=allow") == TLS(mode: .prefer, verification: .none))
        #expect(try tls("?sslmode=prefer") == TLS(mode: .prefer, verification: .none))
        // require: encrypted, not verified; with a CA file, the chain (as libpq with root.crt).
        #expect(try tls("?sslmode=require") == TLS(mode: .require, verification: .none))
        #expect(try tls("?sslmode=require&sslrootcert=/etc/ssl/ca.pem") == TLS(mode: .require, verification: .chain, caFile: "/etc/ssl/ca.pem"))
        #expect(try tls("?sslmode=verify-ca") == TLS(mode: .require, verification: .chain))
        #expect(try tls("?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem") == TLS(mode: .require, verification: .full, caFile: "/etc/ssl/ca.pem"))
        #expect(try tls("?sslmode=verify-full&sslrootcert=system") == TLS(mode: .require, verification: .full, caFile: nil))
        #expect(try DatabaseURL(parsing: "postgres://a@h/d?sslmode=require").requireTLS)
        #expect(try !DatabaseURL(parsing: "postgres://a@h/d?sslmode=prefer").requireTLS)
    }

    @Test(arguments: [
        ("?sslmode=verify", "sslmode «verify» no es válido"),
        ("?sslmode=require&sslrootcert=ca.pem", "sslrootcert debe ser la ruta absoluta"),
        ("?sslmode=require&connect_timeout=3", "el parámetro «connect_timeout» no se admite"),
    ])
    func aWrongTLSParameterIsRefused(query: String, reason: String) {
        let error = #expect(throws: DatabaseURL.URLError.self) { try DatabaseURL(parsing: "postgres://a@h/d" + query) }
        #expect(error?.reason.hasPrefix(reason) == true, "\(String(describing: error))")
    }

    func load(_ extra: [String: String]) async throws -> AppConfiguration {
        var env = [
            "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
        ]
        env.merge(extra) { $1 }
        return try await AppConfiguration.load(file: "\(Self.repositoryRoot)/config/conoceles.yaml", environment: env)
    }

    /// `database.ca_file` gives every URL without its own `sslrootcert` the CA file; an
    /// unreadable one stops start-up naming the key.
    @Test func theCAFileSettingAppliesToEveryURLWithoutItsOwn() async throws {
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem").path
        try "-----BEGIN CERTIFICATE-----\n".write(toFile: ca, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let config = try await load([
            "CONOCELES_DATABASE_URL": "postgres://app@db.example/conoceles?sslmode=verify-full",
            "CONOCELES_DATABASE_LISTEN_URL": "postgres://app@db.example/conoceles?sslmode=verify-ca&sslrootcert=\(ca)",
            "CONOCELES_DATABASE_CA_FILE": ca,
        ])
        #expect(TLS(config.database) == TLS(mode: .require, verification: .full, caFile: ca))
        #expect(TLS(config.listenDatabase) == TLS(mode: .require, verification: .chain, caFile: ca))
        let error = await #expect(throws: ConfigurationError.self) {
            try await load([
                "CONOCELES_DATABASE_URL": "postgres://app@db.example/conoceles?sslmode=require",
                "CONOCELES_DATABASE_CA_FILE": "/no/existe/ca.pem",
            ])
        }
        #expect(error?.key == "database.ca_file" && error?.reason.contains("/no/existe/ca.pem") == true, "\(String(describing: error))")
        let relative = await #expect(throws: ConfigurationError.self) {
            try await load(["CONOCELES_DATABASE_CA_FILE": "ca.pem"])
        }
        #expect(relative?.key == "database.ca_file")
    }
}
