import Foundation
@testable import Mail

/// Messages and settings with defaults, for tests.
enum MessageFactory {
    static let sender = try! MailAddress(
        "no-responder@iepcjalisco.org.mx",
        displayName: "Instituto Electoral y de Participación Ciudadana de Jalisco")

    static func message(
        to: MailAddress = try! MailAddress("candidata@example.mx", displayName: "María José Núñez Peña"),
        subject: String = "Activa tu cuenta en Conóceles",
        text: String = "Hola, María José:\nActiva tu cuenta aquí.",
        html: String? = "<p>Hola, <strong>María José</strong>:</p>\n<p>Activa tu cuenta aquí.</p>",
        idempotencyKey: String? = nil
    ) throws -> MailMessage {
        var message = try MailMessage(
            from: sender, to: [to],
            replyTo: try MailAddress("transparencia@iepcjalisco.org.mx", displayName: "Unidad de Transparencia"),
            subject: subject, textBody: text, htmlBody: html
        )
        if let idempotencyKey {
            try message.addHeader("X-Conoceles-Idempotency-Key", idempotencyKey)
        }
        return message
    }

    static func settings(port: Int, security: SMTPSettings.Security = .none, totalTimeout: Duration = .seconds(20)) -> SMTPSettings {
        SMTPSettings(
            host: "127.0.0.1", port: port, security: security, from: sender,
            connectTimeout: .seconds(5), totalTimeout: totalTimeout)
    }
}
