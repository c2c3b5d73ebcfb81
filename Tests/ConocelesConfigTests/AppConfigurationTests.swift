import ConocelesConfig
import Foundation
import Testing

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite("AppConfiguration")
struct AppConfigurationTests {
    let file = "\(repositoryRoot)/config/conoceles.yaml"
    let secrets = [
        "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
        "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
    ]

    @Test func readsTheFileAndTheEnvironmentOverridesIt() async throws {
        var env = secrets
        env["CONOCELES_HTTP_PORT"] = "9191"
        env["CONOCELES_DATABASE_URL"] = "postgres://app:p%40ss@db.example:6543/conoceles_prod?sslmode=require"
        let config = try await AppConfiguration.load(file: file, environment: env)
        #expect(config.http.port == 9191)
        #expect(config.http.host == "127.0.0.1")
        #expect(config.database.host == "db.example")
        #expect(config.database.port == 6543)
        #expect(config.database.password == "p@ss")
        #expect(config.database.requireTLS)
        #expect(config.photo.maxBytes == 716_800)
        #expect(config.photo.maxCoefficientBytes == 25_165_824)
        #expect(config.processID == "jalisco-2024")
        #expect(config.security.encryptionKey.count == 32)
        #expect(!config.database.description.contains("p@ss"))
    }

    @Test(arguments: [
        ("CONOCELES_HTTP_PORT", "ochenta", "http.port", "no es un número"),
        ("CONOCELES_HTTP_PORT", "70000", "http.port", "fuera del rango"),
        ("CONOCELES_DATABASE_URL", "mysql://x@y/z", "database.url", "postgres://"),
        ("CONOCELES_DATABASE_URL", "postgres://127.0.0.1/db", "database.url", "falta el usuario"),
        ("CONOCELES_DATABASE_LISTEN_URL", "pgbouncer:6432", "database.listen_url", "postgres://"),
        ("CONOCELES_SMTP_SECURITY", "ssl3", "smtp.security", "no es válido"),
        ("CONOCELES_SECURITY_ENCRYPTION_KEY", "corta", "security.encryption_key", "32 bytes"),
        ("CONOCELES_PHOTO_MAX_BYTES", "0", "photo.max_bytes", "fuera del rango"),
        ("CONOCELES_PHOTO_MAX_COEFFICIENT_BYTES", "1000", "photo.max_coefficient_bytes", "fuera del rango"),
        ("CONOCELES_PHOTO_MAX_COEFFICIENT_BYTES", "mucho", "photo.max_coefficient_bytes", "no es un número"),
        ("CONOCELES_RETENTION_EVERYONE_DAYS_AFTER_ELECTION", "0", "retention.everyone_days_after_election", "fuera del rango"),
        ("CONOCELES_HTTP_TRUSTED_PROXIES", "127.0.0.1,nginx", "http.trusted_proxies", "«nginx» no es una dirección IP"),
        ("CONOCELES_METRICS_ALLOWED_ADDRESSES", "10.0.0.0/99", "metrics.allowed_addresses", "no es una dirección IP"),
        ("CONOCELES_METRICS_TOKEN", "corto", "metrics.token", "al menos 16 caracteres"),
        ("CONOCELES_RETENTION_CONSENT_DOCUMENTS_DAYS", "0", "retention.consent_documents_days", "fuera del rango"),
        ("CONOCELES_RETENTION_CONSENT_DOCUMENTS_DAYS", "siempre", "retention.consent_documents_days", "no es un número"),
        ("CONOCELES_SMTP_HOST", "smtp.iepc.example.mx", "smtp.host", "sin cifrar"),
        ("CONOCELES_SMTP_ALLOW_INSECURE", "quizá", "smtp.allow_insecure", "no es válido"),
        ("CONOCELES_PUBLICATION_STATISTICS_REFRESH_HOURS", "0", "publication.statistics_refresh_hours", "fuera del rango"),
        ("CONOCELES_PUBLICATION_STATISTICS_REFRESH_HOURS", "diario", "publication.statistics_refresh_hours", "no es un número"),
        ("CONOCELES_HTTP_PUBLIC_URL", "conoceles.iepcjalisco.org.mx", "http.public_url", "no es una URL absoluta"),
        ("CONOCELES_HTTP_PUBLIC_URL", "ftp://conoceles.example.mx", "http.public_url", "no es una URL absoluta"),
        ("CONOCELES_HTTP_PUBLIC_URL", "https://", "http.public_url", "no tiene nombre de servidor"),
        ("CONOCELES_HTTP_PUBLIC_URL", "https://conoceles.example.mx/?a=1", "http.public_url", "consulta"),
        ("CONOCELES_LOG_LEVEL", "verbose", "log.level", "no es un nivel válido"),
        ("CONOCELES_LOG_FORMAT", "xml", "log.format", "use text o json"),
    ])
    func aWrongValueNamesItsKeyAndReason(variable: String, value: String, key: String, reason: String) async throws {
        var env = secrets
        env[variable] = value
        let error = await #expect(throws: ConfigurationError.self) {
            try await AppConfiguration.load(file: file, environment: env)
        }
        #expect(error?.key == key)
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.contains(variable) == true)
    }

    @Test func thePublicURLIsKnownToBeSetOrNot() async throws {
        let unset = try await AppConfiguration.load(file: file, environment: secrets)
        #expect(!unset.http.publicURLConfigured)
        #expect(unset.http.publicURL == "http://127.0.0.1:8080")
        var env = secrets
        env["CONOCELES_HTTP_PUBLIC_URL"] = "https://conoceles.iepcjalisco.org.mx/"
        let set = try await AppConfiguration.load(file: file, environment: env)
        #expect(set.http.publicURLConfigured)
        #expect(set.http.publicURL == "https://conoceles.iepcjalisco.org.mx/")
    }

    @Test func theLogLevelAndFormatComeFromTheFileOrTheEnvironment() async throws {
        let defaults = try await AppConfiguration.load(file: file, environment: secrets)
        #expect(defaults.log == .init(level: "info", format: .text))
        var env = secrets
        env["CONOCELES_LOG_LEVEL"] = "debug"
        env["CONOCELES_LOG_FORMAT"] = "json"
        #expect(try await AppConfiguration.load(file: file, environment: env).log == .init(level: "debug", format: .json))
    }

    @Test func metricsReadersAndTrustedProxiesDefaultToLoopbackAndNone() async throws {
        let defaults = try await AppConfiguration.load(file: file, environment: secrets)
        #expect(defaults.http.trustedProxies == [])
        #expect(defaults.metrics.token == nil)
        #expect(defaults.metrics.allowedAddresses.map(\.description) == ["127.0.0.0/8", "::1"])
        var env = secrets
        env["CONOCELES_HTTP_TRUSTED_PROXIES"] = "127.0.0.1, 10.0.0.0/8"
        env["CONOCELES_METRICS_TOKEN"] = "un-token-largo-de-metricas"
        env["CONOCELES_METRICS_ALLOWED_ADDRESSES"] = "10.1.0.0/16"
        let set = try await AppConfiguration.load(file: file, environment: env)
        #expect(set.http.trustedProxies.map(\.description) == ["127.0.0.1", "10.0.0.0/8"])
        #expect(set.metrics.token == "un-token-largo-de-metricas")
        #expect(set.metrics.allowedAddresses.first?.contains("10.1.200.3") == true)
        #expect(set.metrics.allowedAddresses.first?.contains("10.2.0.1") == false)
    }

    @Test func theListenURLDefaultsToTheMainURLAndCanBeADirectOne() async throws {
        var env = secrets
        env["CONOCELES_DATABASE_URL"] = "postgres://app@pgbouncer.example:6432/conoceles"
        let pooled = try await AppConfiguration.load(file: file, environment: env)
        #expect(pooled.listenDatabase == pooled.database)
        env["CONOCELES_DATABASE_LISTEN_URL"] = "postgres://app@db.example:5432/conoceles"
        let direct = try await AppConfiguration.load(file: file, environment: env)
        #expect(direct.database.host == "pgbouncer.example" && direct.database.port == 6432)
        #expect(direct.listenDatabase.host == "db.example" && direct.listenDatabase.port == 5432)
    }

    @Test func theDecoderMemoryLimitHasADefault() async throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("max_coefficient_bytes") }.joined(separator: "\n")
        let copy = NSTemporaryDirectory() + "conoceles-\(UUID().uuidString).yaml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let config = try await AppConfiguration.load(file: copy, environment: secrets)
        #expect(config.photo.maxCoefficientBytes == AppConfiguration.PhotoLimits.defaultMaxCoefficientBytes)
    }

    @Test func theEndOfProcessRetentionHasADefault() async throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("everyone_days_after_election") }.joined(separator: "\n")
        let copy = NSTemporaryDirectory() + "conoceles-\(UUID().uuidString).yaml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let config = try await AppConfiguration.load(file: copy, environment: secrets)
        #expect(config.retention.everyoneDaysAfterElection == 150)
        #expect(config.retention.sensitiveDataDays == 30)
    }

    @Test func signedConsentFormsAreKeptUnlessTheirOwnRetentionIsSet() async throws {
        #expect(try await AppConfiguration.load(file: file, environment: secrets).retention.consentDocumentsDays == nil)
        var env = secrets
        env["CONOCELES_RETENTION_CONSENT_DOCUMENTS_DAYS"] = "1825"
        #expect(try await AppConfiguration.load(file: file, environment: env).retention.consentDocumentsDays == 1_825)
    }

    @Test func theStatisticsAreReleasedDailyUnlessConfigured() async throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("statistics_refresh_hours") }.joined(separator: "\n")
        let copy = NSTemporaryDirectory() + "conoceles-\(UUID().uuidString).yaml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        #expect(try await AppConfiguration.load(file: copy, environment: secrets).publication.statisticsRefreshHours == 24)
        var env = secrets
        env["CONOCELES_PUBLICATION_STATISTICS_REFRESH_HOURS"] = "6"
        #expect(try await AppConfiguration.load(file: file, environment: env).publication.statisticsRefreshHours == 6)
    }

    @Test func photoLimitsLoadWithoutSecrets() async throws {
        let limits = try await AppConfiguration.loadPhotoLimits(
            file: file, environment: ["CONOCELES_PHOTO_MAX_COEFFICIENT_BYTES": "8388608"])
        #expect(limits == AppConfiguration.PhotoLimits(maxBytes: 716_800, maxPixels: 40_000_000, maxCoefficientBytes: 8 << 20))
    }

    @Test func missingSecretsAreRefused() async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            try await AppConfiguration.load(file: file, environment: [:])
        }
        #expect(error?.key == "security.encryption_key")
    }

    @Test func aMissingFileIsReported() async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            try await AppConfiguration.load(file: "/nonexistent/conoceles.yaml", environment: secrets)
        }
        #expect(error?.reason.contains("/nonexistent/conoceles.yaml") == true)
    }
}
