import ConocelesConfig
import ConocelesCore
import ConocelesJobs
import Foundation
import JobQueue
import Mail
import Storage
import TestSupport

/// A `JobEnvironment` for worker tests: the repository's process and configuration, a fresh
/// database, and real SMTP through the test sink (`SMTPTestSink`) on `port`.
enum WorkerHarness {
    static func environment(
        _ db: Database, smtpPort: Int, _ configure: (inout AppConfiguration) -> Void = { _ in }
    ) async throws -> JobEnvironment {
        let root = PhotoFixtures.repositoryRoot
        let (process, catalogs) = try ProcessLoader.load(processID: "jalisco-2024", configDirectory: "\(root)/config")
        var configuration = try await AppConfiguration.load(
            file: "\(root)/config/conoceles.yaml",
            environment: [
                "CONOCELES_SECURITY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                "CONOCELES_SECURITY_EVENT_HMAC_SECRET": String(repeating: "s", count: 40),
                "CONOCELES_HTTP_PUBLIC_URL": "https://conoceles.example/",
            ])
        configure(&configuration)
        let mailer = try SMTPMailer(
            settings: SMTPSettings(
                host: "127.0.0.1", port: smtpPort, security: .none, credentials: nil,
                from: try MailAddress(parsing: configuration.smtp.from), connectTimeout: .seconds(5), totalTimeout: .seconds(20)))
        let jobs = JobClient(client: db.client, catalog: try PhotoFixtures.catalog(), logger: TestDatabase.logger)
        try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
        return try JobEnvironment(
            client: db.client, process: process, catalogs: catalogs, configuration: configuration, mail: mailer,
            pipelines: PipelineEngine(definitions: [], jobs: jobs, logger: TestDatabase.logger), logger: TestDatabase.logger)
    }

    /// A staff account, activated with a password (usable) unless `activated` is false.
    static func staffAccount(_ db: Database, username: String, email: String, activated: Bool = true) async throws -> Account {
        let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
        let (account, token) = try await accounts.create(
            .staff(.itStaff, username: username, email: email, displayName: "Persona \(username)"),
            activationTTL: .seconds(3_600), by: .system("test"))
        guard activated else { return account }
        return try await accounts.activate(token: token, passwordHash: "$2b$10$abcdefghijklmnopqrstuuJq1lq8f7cK2bqH0o4nYQk1Y8lKq0W2K")
    }
}
