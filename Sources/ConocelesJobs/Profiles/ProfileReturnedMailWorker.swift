import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Mail
import Storage

/// `mail.profile_returned`: tells the candidate and the representative of the candidacy's
/// party, coalition or independent candidacy that staff returned the profile, with staff's
/// observations (read from the workflow's history, so the job's arguments carry no text).
/// Enqueued in the transaction of the return. Accounts that are disabled get nothing.
public struct ProfileReturnedMailWorker: EnvironmentWorker {
    public typealias Args = ProfileReturnedMailJob

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    public func work(_ args: Args, context: JobContext) async throws {
        let client = environment.client
        guard let candidacy = try await CandidacyRepository(client: client, logger: context.logger).candidacy(id: args.candidacyID),
            candidacy.status == .approved
        else { return }
        let history = try await ProfileWorkflowRepository(client: client, logger: context.logger).workflow(for: candidacy.id).history
        let returns = history.filter { $0.action == .returnWithObservations }
        guard let transition = returns.last(where: { abs($0.at.timeIntervalSince(args.returnedAt)) < 1 }) ?? returns.last else {
            throw JobCancel("candidacy \(candidacy.id) was never returned")
        }
        let accounts = AccountRepository(client: client, logger: context.logger)
        var recipients: [Account] = []
        if let own = try await accounts.account(candidacyID: candidacy.id) { recipients.append(own) }
        if let generic = try await accounts.representativeAccount(processID: candidacy.processID, entity: candidacy.postulatingEntity) {
            recipients.append(generic)
        }
        let from = try MailAddress(parsing: environment.configuration.smtp.from)
        // Each recipient's copy has its own message id, recorded once the server accepted it:
        // a retry after a partial sending (the second recipient's server down) skips the first.
        let deliveries = MailDeliveryLog(client: client, logger: context.logger)
        var sent = 0
        for account in recipients where account.disabledAt == nil {
            let message = try ProfileReturnedMessage(
                account: account, candidacy: candidacy, process: environment.process, transition: transition,
                baseURL: environment.configuration.http.publicURL, from: from
            ).message()
            if try await deliveries.wasSent(messageID: message.messageID) { continue }
            do {
                try await environment.mail.send(message)
                try await deliveries.recordSent(messageID: message.messageID, recipient: account.id.uuidString.lowercased())
                sent += 1
            } catch let error as SMTPError where error.isMessageRefusal {
                // One recipient's bad address never keeps the other from the observations.
                try await accounts.markMailFailed(accountID: account.id, reply: MailFailure.reply(of: error))
                context.logger.warning("profile returned mail refused for one recipient", metadata: ["account_id": "\(account.id)"])
            } catch let error as SMTPError {
                throw MailFailure.outcome(of: error, what: "profile returned mail", context: context)
            }
        }
        context.logger.info(
            "profile returned mail sent",
            metadata: [
                "candidacy_id": "\(candidacy.id)", "recipients": "\(recipients.count)", "sent_now": "\(sent)",
            ])
    }
}

/// The Spanish e-mail of a return with observations.
struct ProfileReturnedMessage {
    let account: Account
    let candidacy: Candidacy
    let process: ElectionProcess
    let transition: ProfileTransition
    let baseURL: String
    let from: MailAddress

    func message() throws -> MailMessage {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let link = "\(base)/entrar"
        let office = process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode
        let observations = transition.observations ?? ""
        let text = """
            Hola, \(account.displayName):

            La instancia interna del \(process.electoralBody) revisó el perfil de \(candidacy.fullName) \
            (\(office), \(candidacy.postulatingEntity.code)) y lo devolvió con estas observaciones:

            \(observations)

            Corrija la información y vuelva a enviarla desde el sistema «Candidatas y Candidatos, Conóceles»:
            \(link)
            """
        let html = """
            <p>Hola, \(account.displayName.htmlEscaped):</p>
            <p>La instancia interna del \(process.electoralBody.htmlEscaped) revisó el perfil de \
            <strong>\(candidacy.fullName.htmlEscaped)</strong> (\(office.htmlEscaped), \(candidacy.postulatingEntity.code.htmlEscaped)) \
            y lo devolvió con estas observaciones:</p>
            <blockquote>\(observations.htmlEscaped)</blockquote>
            <p><a href="\(link.htmlEscaped)">Entre al sistema</a> para corregir la información y volver a enviarla.</p>
            """
        let stamp = Int(transition.at.timeIntervalSince1970)
        // One id per candidacy, recipient and return: the representative gets one message per
        // returned profile (the same id for two would hide one in mail clients and in the
        // per-recipient delivery record). The candidacy id is kept to letters, digits and '-'
        // (anything else as _hex), within a message id's characters.
        let candidacyKey = candidacy.id.unicodeScalars.map { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-")
                ? String(scalar) : "_\(String(scalar.value, radix: 16))"
        }.joined()
        return try MailMessage(
            from: from, to: [try MailAddress(account.email, displayName: account.displayName)],
            subject: "Perfil devuelto con observaciones: \(candidacy.fullName)", textBody: text, htmlBody: html,
            messageID: "returned-\(candidacyKey.prefix(80))-\(account.id.uuidString.lowercased())-\(stamp)@\(from.domain)")
    }
}
