import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Logging
import PostgresNIO
import Storage

/// Re-sending account credentials and issuing missing accounts, as staff ask for them (the
/// web accounts page and `conoceles accounts resend`): one code path for both.
///
/// A re-send clears `credentials_sent_at` and enqueues `mail.credentials` in one
/// transaction; the worker issues a fresh activation link (the previous one stops working)
/// and records the sending again. Issuing starts the `candidacy-approved` pipeline
/// (`account.issue`, then `mail.credentials`) for approved candidacies that have no account.
public struct CredentialsResend: Sendable {
    let client: PostgresClient
    let jobs: JobClient
    let logger: Logger

    /// A re-sender that enqueues through `jobs` (with its catalog's policies).
    public init(jobs: JobClient, logger: Logger) {
        self.client = jobs.client
        self.jobs = jobs
        self.logger = logger
    }

    /// Why a re-send was refused, in Spanish for the person who asked.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Re-sends the credentials of `accountID` (an account of `processID`); returns the
    /// `mail.credentials` job.
    /// - Throws: `Refusal` when the account does not exist, is disabled or already activated,
    ///   or has no applied registration event to take the e-mail's data from.
    @discardableResult
    public func resend(accountID: UUID, processID: String, by actor: AuditActor) async throws -> Int64 {
        let accounts = AccountRepository(client: client, logger: logger)
        guard let account = try await accounts.account(id: accountID), account.processID == processID,
            account.role == .candidate || account.role == .representative
        else { throw Refusal(message: "La cuenta no existe.") }
        guard account.disabledAt == nil else {
            throw Refusal(message: "La cuenta \(account.username) está deshabilitada.")
        }
        guard account.activatedAt == nil else {
            throw Refusal(message: "La cuenta \(account.username) ya está activa; para una contraseña olvidada use la recuperación de contraseña.")
        }
        guard let target = try await accounts.credentialsTargets(processID: processID, accountID: accountID).first else {
            throw Refusal(message: "No hay un evento de registro aplicado del que tomar los datos de la cuenta \(account.username).")
        }
        return try await enqueue([target], by: actor)[0]
    }

    /// Re-sends the credentials of every account of `processID` not activated yet; returns
    /// how many e-mails were enqueued (a re-send already waiting is not enqueued twice).
    @discardableResult
    public func resendPending(processID: String, by actor: AuditActor) async throws -> Int {
        let targets = try await AccountRepository(client: client, logger: logger).credentialsTargets(processID: processID)
        return try await enqueue(targets, by: actor).count
    }

    /// Starts `pipeline` (the `candidacy-approved` definition) for every approved candidacy
    /// of `processID` that has no account and no `account.issue` job waiting; returns how many.
    /// - Throws: `Refusal` when `pipelines` lacks the definition.
    @discardableResult
    public func issueMissing(
        processID: String, pipelines: PipelineEngine,
        pipeline: String = JobEnvironment.approvedPipeline
    ) async throws -> Int {
        guard pipelines.definitions[pipeline] != nil else {
            throw Refusal(message: "La emisión de cuentas no está configurada en este servidor (falta la definición «\(pipeline)»).")
        }
        let waiting = try await jobs.liveArgumentValues(kind: AccountIssueJob.kind, key: "candidacy_id")
        let missing = try await AccountRepository(client: client, logger: logger)
            .candidaciesWithoutAccount(processID: processID, excluding: waiting)
        guard !missing.isEmpty else { return 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await client.withTransaction(logger: logger) { connection in
            for item in missing {
                let args = String(
                    decoding: try encoder.encode(AccountIssueJob(candidacyID: item.candidacyID, eventID: item.eventID)),
                    as: UTF8.self)
                try await pipelines.start(pipeline, argsJSON: args, on: connection)
            }
        }
        logger.info("accounts issue started", metadata: ["count": "\(missing.count)", "process_id": "\(processID)"])
        return missing.count
    }

    /// Clears the sending of `targets` and enqueues their e-mails in one transaction; returns
    /// the jobs' ids (an existing live re-send of an account is returned instead of a new one).
    func enqueue(_ targets: [CredentialsTarget], by actor: AuditActor) async throws -> [Int64] {
        guard !targets.isEmpty else { return [] }
        let accounts = AccountRepository(client: client, logger: logger)
        let newJobs = try targets.map { target in
            try NewJob(
                CredentialsMailJob(
                    candidacyID: target.candidacyID, eventID: target.eventID,
                    accountID: target.isGeneric ? target.accountID : nil),
                uniqueness: .live(key: "credentials-resend:\(target.accountID.uuidString.lowercased())"))
        }
        let results = try await client.withTransaction(logger: logger) { connection in
            try await accounts.clearCredentialsSent(accountIDs: targets.map(\.accountID), by: actor, on: connection)
            return try await jobs.insertMany(newJobs, on: connection)
        }
        logger.info("credentials re-send enqueued", metadata: ["count": "\(targets.count)"])
        return results.map(\.id)
    }
}
