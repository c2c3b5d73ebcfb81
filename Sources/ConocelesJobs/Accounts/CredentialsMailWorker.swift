import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Mail
import Storage

/// `mail.credentials`: e-mails accounts their activation link, in batches.
///
/// A job without a candidacy (``batchJob()``, enqueued by the ingest batch that created the
/// accounts, and every minute by the schedule) claims up to ``batchSize`` accounts due a
/// message in one statement (`AccountRepository.claimCredentialsDue`: a lease, no lock held
/// across SMTP), sets their tokens in one statement, sends over the pooled SMTP connections
/// and records the sent ones in one transaction, and claims again until none is left. A job
/// naming a candidacy or an account (a re-send, older jobs) does the same for that account.
///
/// The message of one (account, issue) is the same bytes on every retry: the token is
/// derived (`ActivationToken.derived`, only its hash stored), the Message-ID names the
/// account and the issue, and the Date is the issue's, fixed at its first claim. A copy sent
/// again after a crash is then recognised by mail clients and its link still works.
public struct CredentialsMailWorker: EnvironmentWorker {
    public typealias Args = CredentialsMailJob
    /// Accounts claimed at once.
    public static let batchSize = 200
    /// How long a claim keeps other workers off an account (the job's timeout).
    static let leaseSeconds = 120

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    /// The e-mail job of a generic (entity) account: at most one live job per account, so two
    /// candidacies of one party never mail it twice at once, and a job that found nothing to
    /// send (no approved candidacy left at that moment) never stops a later one.
    public static func genericJob(account: UUID, candidacyID: String, eventID: String) throws -> NewJob {
        try NewJob(
            CredentialsMailJob(candidacyID: candidacyID, eventID: eventID, accountID: account),
            uniqueness: .live(key: "credentials:\(account.uuidString.lowercased())"))
    }

    /// A job that sends every account due a message, in batches; with `accounts`, those (the
    /// ones an ingest batch created), claimed by their ids.
    public static func batchJob(accounts: [UUID]? = nil) throws -> NewJob {
        try NewJob(CredentialsMailJob(candidacyID: "", eventID: "", accountIDs: accounts))
    }

    public func work(_ args: CredentialsMailJob, context: JobContext) async throws {
        let accounts = AccountRepository(client: environment.client, logger: context.logger)
        let named: [UUID]?
        if let id = args.accountID {
            named = [id]
        } else if !args.candidacyID.isEmpty {
            guard let account = try await accounts.account(candidacyID: args.candidacyID) else { return }
            named = [account.id]
        } else if let ids = args.accountIDs, !ids.isEmpty {
            named = ids
        } else {
            named = nil
        }
        // A refused address ends a job that names one account (its re-send); a batch goes on.
        let refusalEndsJob = args.accountID != nil || !args.candidacyID.isEmpty
        while true {
            let claimed = try await accounts.claimCredentialsDue(
                limit: Self.batchSize, accountIDs: named, includeRefused: refusalEndsJob,
                leaseSeconds: Self.leaseSeconds, job: context.jobID)
            guard !claimed.isEmpty else { return }
            try await send(claimed, accounts: accounts, refusalEndsJob: refusalEndsJob, context: context)
            if refusalEndsJob || claimed.count < Self.batchSize { return }
        }
    }

    /// Sends the claimed accounts' e-mails and records them.
    func send(_ claimed: [CredentialsDue], accounts: AccountRepository, refusalEndsJob: Bool, context: JobContext) async throws {
        let candidacies = CandidacyRepository(client: environment.client, logger: context.logger)
        // The candidacy each message speaks of: the account's own, or for a generic account
        // any approved candidacy of its entity (the one that asked may have been withdrawn).
        let own = try await candidacies.approved(ids: claimed.compactMap { $0.account.role == .candidate ? $0.account.candidacyID : nil })
        var byEntity: [PostulatingEntity: Candidacy] = [:]
        for due in claimed where due.account.role == .representative {
            guard let entity = due.account.entity, let processID = due.account.processID, byEntity[entity] == nil else { continue }
            byEntity[entity] = try await candidacies.anyApproved(processID: processID, entity: entity)
        }
        var work: [(due: CredentialsDue, candidacy: Candidacy)] = []
        var idle: [UUID] = []
        for due in claimed {
            let candidacy = due.account.role == .candidate ? due.account.candidacyID.flatMap { own[$0] } : due.account.entity.flatMap { byEntity[$0] }
            guard let candidacy else { idle.append(due.account.id); continue }  // nothing approved to speak of
            if let activatedAt = due.account.activatedAt {
                // Only a link from this e-mail activates such an account: an earlier attempt
                // sent it and died before recording it. Record it, no later than the activation.
                try await accounts.markCredentialsSent(accountID: due.account.id, at: activatedAt)
                context.logger.notice(
                    "credentials recorded as sent: the account was activated from a lost attempt's e-mail",
                    metadata: ["account_id": "\(due.account.id)"])
                continue
            }
            work.append((due, candidacy))
        }
        try await accounts.releaseCredentialsLease(accountIDs: idle)
        guard !work.isEmpty else { return }

        let ttlHours = environment.configuration.accounts.activationTTLHours
        let tokens = work.map { item in
            (
                accountID: item.due.account.id,
                token: ActivationToken.derived(key: environment.activationTokens, accountID: item.due.account.id, issue: item.due.issue)
            )
        }
        try await accounts.setActivationTokens(tokens, activationTTL: .seconds(ttlHours * 3_600))
        let from = try MailAddress(parsing: environment.configuration.smtp.from)
        let messages = try zip(work, tokens).map { item, token in
            try CredentialsMessage(
                account: item.due.account, candidacy: item.candidacy, process: environment.process, token: token.token.value,
                baseURL: environment.configuration.http.publicURL, ttlHours: ttlHours, from: from,
                issue: item.due.issue, issuedAt: item.due.issuedAt
            ).message()
        }

        // Over the pooled connections, as many at once as the mail queue has slots.
        let width = max(1, environment.jobs.catalog.queues[environment.jobs.catalog.policy(for: Self.kind).queue] ?? 1)
        var sent: [UUID] = [], refused: [(UUID, SMTPError)] = [], failure: SMTPError?
        try await withThrowingTaskGroup(of: (UUID, SMTPError?).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                let message = messages[index], id = work[index].due.account.id, mail = environment.mail
                group.addTask {
                    do {
                        try await mail.send(message)
                        return (id, nil)
                    } catch let error as SMTPError {
                        return (id, error)
                    }
                }
            }
            while next < min(width, messages.count) { launch() }
            while let (id, error) = try await group.next() {
                if let error {
                    if error.isMessageRefusal { refused.append((id, error)) } else if failure == nil { failure = error }
                } else {
                    sent.append(id)
                }
                // After a server-level or passing failure, the rest wait for the retry.
                if failure == nil && next < messages.count { launch() }
            }
        }
        try await accounts.markCredentialsSent(accountIDs: sent)
        for (id, error) in refused {
            // A mistyped address: staff see the account with the server's reply.
            try await accounts.markMailFailed(accountID: id, reply: MailFailure.reply(of: error))
        }
        // The rest (refused ones are left out of the sweeps by their mark) free for the next try.
        let unsent = Set(work.map(\.due.account.id)).subtracting(sent)
        try await accounts.releaseCredentialsLease(accountIDs: Array(unsent))
        context.logger.info(
            "credentials sent",
            metadata: [
                "sent": "\(sent.count)", "refused": "\(refused.count)",
                "waiting": "\(unsent.count - refused.count)",
            ])
        if let failure { throw MailFailure.outcome(of: failure, what: "credentials mail", context: context) }
        if refusalEndsJob, let (_, error) = refused.first { throw MailFailure.outcome(of: error, what: "credentials mail", context: context) }
    }
}

/// The Spanish e-mail with the activation link.
struct CredentialsMessage {
    let account: Account
    let candidacy: Candidacy
    let process: ElectionProcess
    let token: String
    let baseURL: String
    let ttlHours: Int
    let from: MailAddress
    /// The credentials' issue (1, then one more per re-send) and when it was made: with the
    /// account, they fix the Message-ID and the Date, so a retry is the same bytes.
    var issue = 1
    var issuedAt = Date()

    var link: String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return "\(base)/activar?token=\(token)"
    }

    /// For a substitute's own account: the capture deadline counted from this e-mail (no
    /// date: the e-mail is the same bytes on every retry, whatever day it goes out).
    var substituteNotice: String? {
        guard account.role == .candidate, candidacy.replacesCandidacyID != nil else { return nil }
        return "Tu candidatura es una sustitución: la información debe capturarse en un plazo no mayor a "
            + "\(process.deadlines.substituteCaptureDays) días naturales posteriores a la recepción de este correo con tus cuentas de acceso."
    }

    func message() throws -> MailMessage {
        let office = process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode
        let forWhom =
            account.role == .representative
            ? "la representación de \(candidacy.postulatingEntity.code) ante el \(process.electoralBody)"
            : "tu candidatura a \(office)"
        let text = """
            Hola, \(account.displayName):

            El \(process.electoralBody) te da acceso al sistema «Candidatas y Candidatos, Conóceles» \
            del \(process.name) para capturar la información de \(forWhom).

            \(substituteNotice.map { "\($0)\n\n" } ?? "")Tu usuario es: \(account.username)

            Para activar tu cuenta y elegir tu contraseña, abre este enlace:
            \(link)

            El enlace sirve una sola vez y vence en \(ttlHours) horas. Si vence, pide uno nuevo a la \
            instancia interna responsable.

            Si no esperabas este correo, ignóralo: nadie puede entrar a tu cuenta sin este enlace.
            """
        let html = """
            <p>Hola, \(account.displayName.htmlEscaped):</p>
            <p>El \(process.electoralBody.htmlEscaped) te da acceso al sistema «Candidatas y Candidatos, Conóceles» \
            del \(process.name.htmlEscaped) para capturar la información de \(forWhom.htmlEscaped).</p>
            \(substituteNotice.map { "<p><strong>\($0.htmlEscaped)</strong></p>" } ?? "")
            <p>Tu usuario es: <strong>\(account.username.htmlEscaped)</strong></p>
            <p><a href="\(link.htmlEscaped)">Activa tu cuenta y elige tu contraseña</a></p>
            <p>El enlace sirve una sola vez y vence en \(ttlHours) horas.</p>
            """
        var message = try MailMessage(
            from: from, to: [try MailAddress(account.email, displayName: account.displayName)],
            subject: "Tu cuenta de Conóceles para capturar tu información", textBody: text, htmlBody: html,
            date: issuedAt,
            messageID: "credentials-\(account.id.uuidString.lowercased())-\(issue)@\(from.domain)")
        try message.addHeader("X-Conoceles-Idempotency-Key", "credentials-\(account.id.uuidString.lowercased())")
        return message
    }
}
