import ConocelesCore
import Foundation
import JobArguments
import JobQueue
import Mail
import Storage

/// `mail.password_reset`: e-mails a usable account a link to choose a new password. The
/// single-use token is issued right before sending (only its hash is stored), so the job's
/// arguments hold no secret. The web page enqueues it at most once per account every 5 minutes,
/// and for a name that matches nothing a decoy with an id no account has, which completes
/// here without a message (the queue must not tell whether an account exists).
public struct PasswordResetMailWorker: EnvironmentWorker {
    public typealias Args = PasswordResetMailJob

    let environment: JobEnvironment

    public init(environment: JobEnvironment) {
        self.environment = environment
    }

    public func work(_ args: Args, context: JobContext) async throws {
        guard let account = try await AccountRepository(client: environment.client, logger: context.logger).account(id: args.accountID),
            account.isUsable
        else { return }
        let resets = PasswordResetRepository(client: environment.client, logger: context.logger)
        let token = try await resets.issue(accountID: account.id)
        let base =
            environment.configuration.http.publicURL.hasSuffix("/")
            ? String(environment.configuration.http.publicURL.dropLast()) : environment.configuration.http.publicURL
        let link = "\(base)/restablecer?token=\(token.value)"
        let minutes = Int(resets.lifetime.components.seconds / 60)
        let text = """
            Hola, \(account.displayName):

            Alguien pidió restablecer la contraseña de tu cuenta \(account.username) en «Candidatas y Candidatos, \
            Conóceles» del \(environment.process.electoralBody).

            Para elegir una contraseña nueva, abre este enlace (sirve una vez y vence en \(minutes) minutos):
            \(link)

            Si no lo pediste, ignora este correo: tu contraseña no cambia.
            """
        let html = """
            <p>Hola, \(account.displayName.htmlEscaped):</p>
            <p>Alguien pidió restablecer la contraseña de tu cuenta <strong>\(account.username.htmlEscaped)</strong> en \
            «Candidatas y Candidatos, Conóceles» del \(environment.process.electoralBody.htmlEscaped).</p>
            <p><a href="\(link.htmlEscaped)">Elige una contraseña nueva</a> (el enlace sirve una vez y vence en \(minutes) minutos).</p>
            <p>Si no lo pediste, ignora este correo: tu contraseña no cambia.</p>
            """
        let from = try MailAddress(parsing: environment.configuration.smtp.from)
        let message = try MailMessage(
            from: from, to: [try MailAddress(account.email, displayName: account.displayName)],
            subject: "Restablecer tu contraseña de Conóceles", textBody: text, htmlBody: html,
            messageID: "reset-\(account.id.uuidString.lowercased())-\(token.value.prefix(8))@\(from.domain)")
        do {
            try await environment.mail.send(message)
        } catch let error as SMTPError {
            if error.isMessageRefusal {
                try await AccountRepository(client: environment.client, logger: context.logger)
                    .markMailFailed(accountID: account.id, reply: MailFailure.reply(of: error))
            }
            throw MailFailure.outcome(of: error, what: "password reset mail", context: context)
        }
        context.logger.info("password reset mail sent", metadata: ["account_id": "\(account.id)"])
    }
}
