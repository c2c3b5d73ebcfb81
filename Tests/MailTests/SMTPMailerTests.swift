import Foundation
import Testing
@testable import Mail

/// Against a real aiosmtpd (see `SMTPSink`); each test starts its own.
@Suite("SMTPMailer")
struct SMTPMailerTests {
    @Test("a Spanish message with accents, ñ and emoji arrives and decodes back")
    func deliversSpanishMessage() async throws {
        try await SMTPSink.with { sink in
            let subject = "¿Ya activó su cuenta? Señora Begoña Ibáñez Muñoz, su registro en Conóceles está listo 🗳️✅"
            let text =
                "Estimada candidata:\n\nSu cuenta en Conóceles está lista. Año electoral 2024, ñandú, pingüino 🇲🇽.\n"
                + String(repeating: "Línea larga con acentos: participación, información, elección. ", count: 4) + "\nFin."
            let html = "<p>Estimada <b>candidata</b>: «Conóceles» 🗳️</p>\n<p><a href=\"https://conoceles.example.mx/activar?t=abc\">Activar</a></p>"
            let recipient = try MailAddress("begona@example.mx", displayName: "Begoña Ibáñez Muñoz")
            let message = try MessageFactory.message(
                to: recipient, subject: subject, text: text, html: html,
                idempotencyKey: "mail.credentials:42:ñ")
            let mailer = try SMTPMailer(settings: MessageFactory.settings(port: sink.port))
            try await mailer.send(message)

            let received = try #require(try await sink.deliveredMessages().first)
            #expect(received.subject == subject)
            #expect(
                received.from == [
                    .init(
                        displayName: "Instituto Electoral y de Participación Ciudadana de Jalisco",
                        address: "no-responder@iepcjalisco.org.mx")
                ])
            #expect(received.to == [.init(displayName: "Begoña Ibáñez Muñoz", address: "begona@example.mx")])
            #expect(received.replyTo == [.init(displayName: "Unidad de Transparencia", address: "transparencia@iepcjalisco.org.mx")])
            #expect(received.messageId == "<\(message.messageID)>")
            #expect(received.mimeVersion == "1.0")
            #expect(received.contentType == "multipart/alternative")
            #expect(received.idempotencyKey == "mail.credentials:42:ñ")
            // In a multipart body the last CRLF belongs to the boundary.
            #expect(received.text == text)
            #expect(received.html == html)
            #expect(received.date.hasSuffix("+0000"))
            #expect(received.defects.isEmpty)
        }
    }

    @Test("a batch of 50 messages goes over one connection and all arrive")
    func batchReusesOneConnection() async throws {
        try await SMTPSink.with { sink in
            let mailer = try SMTPMailer(settings: MessageFactory.settings(port: sink.port))
            let count = 50
            let messages = try (1...count).map { index in
                try MessageFactory.message(
                    to: try MailAddress("candidata\(index)@example.mx", displayName: "Candidata Nº \(index)"),
                    idempotencyKey: "batch-\(index)")
            }
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                for message in messages { try await mailer.send(message) }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "BENCH mail.batch messages=\(count) seconds=\(String(format: "%.3f", seconds)) "
                    + "messages_per_s=\(String(format: "%.1f", Double(count) / seconds)) connections=\(mailer.connectionsOpened)")

            #expect(mailer.connectionsOpened == 1)
            let received = try await sink.deliveredMessages()
            #expect(received.count == count)
            #expect(Set(received.compactMap(\.idempotencyKey)) == Set((1...count).map { "batch-\($0)" }))
            #expect(Set(received.map(\.peer)).count == 1, "aiosmtpd saw more than one client port")
            await mailer.close()
        }
    }

    @Test("nothing listening: fails fast with a retryable connection error")
    func refusedConnection() async throws {
        let port = try LoopbackSocket.freePort()
        let mailer = try SMTPMailer(settings: MessageFactory.settings(port: port))
        let start = ContinuousClock.now
        let error = try await #require(throws: SMTPError.self) { try await mailer.send(try MessageFactory.message()) }
        // Refused at once, not after the 10 s connect timeout (bound loose for a loaded machine).
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error.code == .connectionFailed)
        #expect(error.isRetryable)
        #expect(error.curlCode == 7)
        #expect(error.description.hasPrefix("No se pudo conectar"))
    }

    @Test("a server that never answers: retryable timeout after the total timeout")
    func silentServerTimesOut() async throws {
        let silent = try LoopbackSocket(listening: true)
        defer { silent.closeSocket() }
        let mailer = try SMTPMailer(settings: MessageFactory.settings(port: silent.port, totalTimeout: .milliseconds(500)))
        let start = ContinuousClock.now
        let error = try await #require(throws: SMTPError.self) { try await mailer.send(try MessageFactory.message()) }
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(error.code == .timedOut)
        #expect(error.isRetryable)
    }

    @Test("550 for a recipient is permanent, 451 retryable; the mailer keeps working")
    func rejectedRecipients() async throws {
        try await SMTPSink.with { sink in
            let mailer = try SMTPMailer(settings: MessageFactory.settings(port: sink.port))
            let permanent = try await #require(throws: SMTPError.self) {
                try await mailer.send(try MessageFactory.message(to: try MailAddress("nadie@rechazado.invalid")))
            }
            #expect(permanent.code == .permanentRejection)
            #expect(permanent.replyCode == 550)
            #expect(!permanent.isRetryable)
            #expect(permanent.isMessageRefusal, "an unknown mailbox refuses this message only")

            let transient = try await #require(throws: SMTPError.self) {
                try await mailer.send(try MessageFactory.message(to: try MailAddress("alguien@temporal.invalid")))
            }
            #expect(transient.code == .transientRejection)
            #expect(transient.replyCode == 451)
            #expect(transient.isRetryable)
            #expect(!transient.isMessageRefusal)

            try await mailer.send(try MessageFactory.message(idempotencyKey: "after-rejections"))
            let received = try await sink.deliveredMessages()
            #expect(received.map(\.idempotencyKey) == ["after-rejections"])
        }
    }

    @Test("body lines starting with a dot arrive intact (curl dot-stuffs)")
    func dotLines() async throws {
        try await SMTPSink.with { sink in
            let text = ".\nInicio\n.\n..\n.linea con punto\n...tres puntos\n. \nFin\n."
            let message = try MessageFactory.message(text: text, html: nil)
            let wire = String(decoding: message.rendered(), as: UTF8.self)
            #expect(wire.contains("\r\n.\r\n"), "the rendered message must carry a lone dot line for this test to mean anything")
            let mailer = try SMTPMailer(settings: MessageFactory.settings(port: sink.port))
            try await mailer.send(message)
            let received = try #require(try await sink.deliveredMessages().first)
            #expect(received.text == text + "\n")
        }
    }

    @Test("STARTTLS and implicit TLS with a private CA", arguments: [SMTPSink.Security.startTLS, .tls])
    func tls(security: SMTPSink.Security) async throws {
        try await SMTPSink.with(security: security) { sink in
            var settings = MessageFactory.settings(port: sink.port, security: security == .tls ? .tls : .startTLS)
            settings.caCertificatePath = sink.certificatePath
            try await SMTPMailer(settings: settings).send(try MessageFactory.message(idempotencyKey: "tls"))
            #expect(try await sink.deliveredMessages().map(\.idempotencyKey) == ["tls"])

            settings.caCertificatePath = nil
            let untrusted = try await #require(throws: SMTPError.self) {
                try await SMTPMailer(settings: settings).send(try MessageFactory.message())
            }
            #expect(untrusted.code == .tlsFailed)
            #expect(!untrusted.isRetryable)
            #expect(!untrusted.isMessageRefusal, "a TLS problem refuses every message: never a reason to discard one")
        }
    }

    @Test("STARTTLS required but not offered is a TLS error")
    func startTLSNotOffered() async throws {
        try await SMTPSink.with { sink in
            let mailer = try SMTPMailer(settings: MessageFactory.settings(port: sink.port, security: .startTLS))
            let error = try await #require(throws: SMTPError.self) { try await mailer.send(try MessageFactory.message()) }
            #expect(error.code == .tlsFailed)
            #expect(try sink.deliveredFiles().isEmpty)
        }
    }

    @Test("failed AUTH is permanent and its error never contains the password")
    func authenticationFailure() async throws {
        try await SMTPSink.with(security: .startTLS) { sink in
            let password = "s3cr3t-contraseña"
            var settings = MessageFactory.settings(port: sink.port, security: .startTLS)
            settings.caCertificatePath = sink.certificatePath
            settings.credentials = .init(username: "conoceles", password: password)
            let error = try await #require(throws: SMTPError.self) {
                try await SMTPMailer(settings: settings).send(try MessageFactory.message())
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.replyCode == 535)
            #expect(!error.isRetryable)
            #expect(!error.isMessageRefusal, "an authentication problem refuses every message: never a reason to discard one")
            #expect(!String(reflecting: error).contains(password))
            #expect(!error.description.contains(password))
            #expect(try sink.deliveredFiles().isEmpty)
        }
    }

    @Test("cancelling the sending task aborts the transfer")
    func cancellation() async throws {
        let silent = try LoopbackSocket(listening: true)
        defer { silent.closeSocket() }
        let mailer = try SMTPMailer(settings: MessageFactory.settings(port: silent.port, totalTimeout: .seconds(30)))
        let message = try MessageFactory.message()
        let task = Task { try await mailer.send(message) }
        #expect(silent.waitForPendingConnection(milliseconds: 5_000), "curl never connected")
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - start < .seconds(3))
    }
}
