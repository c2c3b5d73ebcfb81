import ConocelesCore
import Foundation
import JobQueue
import Mail
import Storage

/// `mail.credentials` (after `account.issue`): e-mails the candidacy's account (or, when the
/// job names one, its party's generic account) an activation link. A fresh single-use token
/// is issued right before sending (only its hash is stored), and `credentials_sent_at` is
/// the idempotency record: an account already sent is skipped, and an account already
/// activated (from the e-mail of an attempt that died before recording it) is recorded as sent. One job per account (the
/// pipeline step per candidacy, a unique job per generic account), so two jobs never mail
/// one account at the same time.
public struct CredentialsMailWorker: JobWorker {
    public typealias Args = CandidacyJob
    public static let kind = "mail.credentials"

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    /// The e-mail job of a generic (entity) account: at most one live job per account, so two
    /// candidacies of one party never mail it twice at once, and a job that found nothing to
    /// send (no approved candidacy left at that moment) never stops a later one.
    public static func genericJob(account: UUID, candidacyID: String, eventID: String) throws -> NewJob {
        try NewJob(kind: kind, args: CandidacyJob(candidacyID: candidacyID, eventID: eventID, accountID: account),
                   uniqueness: .live(key: "credentials:\(account.uuidString.lowercased())"))
    }

    public func work(_ args: CandidacyJob, context: JobContext) async throws {
        let accounts = AccountRepository(client: environment.client, logger: context.logger)
        let candidacies = CandidacyRepository(client: environment.client, logger: context.logger)
        let account: Account?
        let candidacy: Candidacy?
        if let id = args.accountID {
            // A generic account is the entity's: any approved candidacy of the entity will do
            // (the one that asked may have been withdrawn since).
            account = try await accounts.account(id: id)
            if let entity = account?.entity, let processID = account?.processID {
                candidacy = try await candidacies.anyApproved(processID: processID, entity: entity)
            } else {
                candidacy = nil
            }
        } else {
            candidacy = try await candidacies.candidacy(id: args.candidacyID).flatMap { $0.status == .approved ? $0 : nil }
            account = candidacy == nil ? nil : try await accounts.account(candidacyID: args.candidacyID)
        }
        guard let candidacy, let account, account.credentialsSentAt == nil, account.disabledAt == nil else { return }
        if let activatedAt = account.activatedAt {
            // Only a link from this e-mail activates such an account: an earlier attempt sent it
            // and died before recording it (a worker killed between the SMTP transaction and
            // `markCredentialsSent`; found by scripts/chaos). Record it, no later than the
            // activation, rather than leave the account "never sent" on every deadline report.
            try await accounts.markCredentialsSent(accountID: account.id, at: activatedAt)
            context.logger.notice("credentials recorded as sent: the account was activated from a lost attempt's e-mail",
                                  metadata: ["account_id": "\(account.id)", "candidacy_id": "\(candidacy.id)"])
            return
        }
        try await send(to: account, candidacy: candidacy, accounts: accounts, context: context)
    }

    func send(to account: Account, candidacy: Candidacy, accounts: AccountRepository, context: JobContext) async throws {
        let ttlHours = environment.configuration.accounts.activationTTLHours
        let token = try await accounts.reissueActivation(
            accountID: account.id, activationTTL: .seconds(ttlHours * 3_600), by: .system(Self.kind))
        let message = try CredentialsMessage(
            account: account, candidacy: candidacy, process: environment.process, token: token.value,
            baseURL: environment.configuration.http.publicURL, ttlHours: ttlHours,
            from: try MailAddress(parsing: environment.configuration.smtp.from)
        ).message()
        do {
            try await environment.mail.send(message)
        } catch let error as SMTPError {
            if error.isMessageRefusal {
                // A mistyped address: staff see the account with the server's reply.
                try await accounts.markMailFailed(accountID: account.id, reply: MailFailure.reply(of: error))
            }
            throw MailFailure.outcome(of: error, what: "credentials mail", context: context)
        }
        try await accounts.markCredentialsSent(accountID: account.id)
        context.logger.info("credentials sent", metadata: ["account_id": "\(account.id)", "candidacy_id": "\(candidacy.id)"])
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
        let forWhom = account.role == .representative
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
            messageID: "credentials-\(account.id.uuidString.lowercased())-\(token.prefix(8))@\(from.domain)")
        try message.addHeader("X-Conoceles-Idempotency-Key", "credentials-\(account.id.uuidString.lowercased())")
        return message
    }
}

extension MailAddress {
    /// Parses `Name <address>` or a bare address (the form of `smtp.from`).
    public init(parsing text: String) throws(MailMessageError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            try self.init(address, displayName: name.isEmpty ? nil : name)
        } else {
            try self.init(trimmed)
        }
    }
}
