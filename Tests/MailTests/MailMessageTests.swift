import Foundation
import Testing
@testable import Mail

@Suite("MailMessage")
struct MailMessageTests {
    private static let longSpanishSubject =
        "Activa tu cuenta de Conóceles: señora candidata Begoña Ibáñez, su registro ante el Consejo General 🗳️ está listo"

    @Test("renders CRLF only, lines ≤ 76, encoded-words ≤ 75")
    func lineEndingsAndLimits() throws {
        let longLine = String(repeating: "Participación ciudadana, año electoral ñandú 🇲🇽. ", count: 12)
        let message = try MessageFactory.message(
            subject: Self.longSpanishSubject,
            text: "Línea uno  \r\nLínea dos\rLínea tres\n\(longLine)\n\tcon tabulador\t",
            html: "<p>\(longLine)</p>"
        )
        let rendered = message.rendered()
        let text = String(decoding: rendered, as: UTF8.self)
        #expect(rendered.allSatisfy { $0 < 0x80 }, "the wire format is 7-bit ASCII")
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        for line in lines {
            #expect(!line.contains("\r") && !line.contains("\n"), "bare CR or LF in \(line)")
            #expect(line.utf8.count <= 76, "line too long: \(line)")
        }
        let headerEnd = try #require(lines.firstIndex(of: ""))
        for line in lines[headerEnd...] {
            #expect(line.utf8.count <= 76)
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "trailing white space in body line \(line)")
        }
        let words = text.matches(of: /=\?UTF-8\?B\?[A-Za-z0-9+\/=]*\?=/).map { String($0.output) }
        #expect(!words.isEmpty)
        #expect(words.allSatisfy { $0.utf8.count <= 75 })
        let custom = try message.addingHeader("X-Conoceles-Comentario-Largo", String(repeating: "ñ", count: 30) + " " + Self.longSpanishSubject)
        let customLines = String(decoding: custom.rendered(), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(customLines.allSatisfy { $0.utf8.count <= 76 })
        #expect(customLines.contains("X-Conoceles-Comentario-Largo:"))
    }

    @Test("only words that need it are encoded; runs of them together, spaces inside")
    func mixedEncoding() {
        let plain: (Substring) -> Bool = { $0.allSatisfy(\.isASCII) }
        #expect(
            EncodedWord.tokens(for: "Instituto de Participación Ciudadana", isPlain: plain)
                == ["Instituto", "de", "=?UTF-8?B?UGFydGljaXBhY2nDs24=?=", "Ciudadana"])
        #expect(EncodedWord.tokens(for: "María  José Ruiz", isPlain: plain) == ["=?UTF-8?B?TWFyw61hICBKb3PDqQ==?=", "Ruiz"])
        #expect(EncodedWord.tokens(for: "a  b ", isPlain: plain) == ["a", "", "b", ""])
        #expect(EncodedWord.tokens(for: "", isPlain: plain) == [""])
        let long = EncodedWord.encode(String(repeating: "ñandú ", count: 10))
        #expect(long.count > 1)
        #expect(long.allSatisfy { $0.utf8.count <= 60 })
    }

    @Test("headers come in order with MIME-Version and multipart/alternative")
    func headerLayout() throws {
        let message = try MessageFactory.message(idempotencyKey: "mail.credentials:42:candidata@example.mx")
        let text = String(decoding: message.rendered(), as: UTF8.self)
        let names = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
            .filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
        #expect(
            names == [
                "Date", "From", "Reply-To", "To", "Subject", "Message-ID", "MIME-Version",
                "X-Conoceles-Idempotency-Key", "Content-Type",
            ])
        #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"\(message.boundary)\"\r\n"))
        #expect(text.contains("--\(message.boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"))
        #expect(text.contains("--\(message.boundary)\r\nContent-Type: text/html; charset=utf-8\r\n"))
        #expect(text.hasSuffix("--\(message.boundary)--\r\n"))
    }

    @Test("a text-only message is a single text/plain part")
    func textOnly() throws {
        let message = try MessageFactory.message(html: nil)
        let text = String(decoding: message.rendered(), as: UTF8.self)
        #expect(
            text.contains("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHola, Mar=C3=ADa Jos=C3=A9:\r\n"))
        #expect(!text.contains("multipart"))
    }

    @Test("the Date header is RFC 5322 in UTC")
    func dateHeader() throws {
        let message = try MailMessage(
            from: MessageFactory.sender, to: [MessageFactory.sender], subject: "x",
            textBody: "x", date: Date(timeIntervalSince1970: 1_709_654_645))
        #expect(String(decoding: message.rendered(), as: UTF8.self).hasPrefix("Date: Tue, 05 Mar 2024 16:04:05 +0000\r\n"))
    }

    @Test("Message-IDs are unique and use the sender's domain")
    func messageIDs() throws {
        let ids = try (0..<200).map { _ in try MessageFactory.message().messageID }
        #expect(Set(ids).count == 200)
        #expect(ids.allSatisfy { $0.hasSuffix("@iepcjalisco.org.mx") })
        let stable = try MailMessage(
            from: MessageFactory.sender, to: [MessageFactory.sender], subject: "x",
            textBody: "x", messageID: "credenciales.42@iepcjalisco.org.mx")
        #expect(String(decoding: stable.rendered(), as: UTF8.self).contains("\r\nMessage-ID: <credenciales.42@iepcjalisco.org.mx>\r\n"))
        #expect(throws: MailMessageError.invalidMessageID) {
            try MailMessage(
                from: MessageFactory.sender, to: [MessageFactory.sender], subject: "x", textBody: "x",
                messageID: "a>b@c")
        }
    }

    @Test(
        "CR or LF in a header value is refused",
        arguments: [
            ("Subject", "Hola\r\nBcc: todos@example.mx"),
            ("Subject", "Hola\nBcc: todos@example.mx"),
            ("Subject", "Hola\r"),
            ("display-name", "Ana\r\nBcc: todos@example.mx"),
            ("address", "ana@example.mx\r\nBcc: todos@example.mx"),
            ("X-Conoceles-Idempotency-Key", "clave\r\nBcc: todos@example.mx"),
            ("Subject", "separador\u{2028}de línea"),
        ])
    func lineBreaksAreRefused(field: String, value: String) {
        #expect(throws: MailMessageError.lineBreakInHeader(field: field)) {
            switch field {
            case "Subject": _ = try MessageFactory.message(subject: value)
            case "display-name": _ = try MailAddress("ana@example.mx", displayName: value)
            case "address": _ = try MailAddress(value)
            default: _ = try MessageFactory.message().addingHeader(field, value)
            }
        }
    }

    @Test("other control characters, bad or reserved header names are refused")
    func invalidHeaders() throws {
        #expect(throws: MailMessageError.controlCharacterInHeader(field: "Subject")) {
            try MessageFactory.message(subject: "nulo\u{0}aquí")
        }
        #expect(throws: MailMessageError.reservedHeader("bcc")) { try MessageFactory.message().addingHeader("bcc", "x") }
        #expect(throws: MailMessageError.reservedHeader("Content-Type")) {
            try MessageFactory.message().addingHeader("Content-Type", "text/plain")
        }
        #expect(throws: MailMessageError.invalidHeaderName("X-Bad:Name")) {
            try MessageFactory.message().addingHeader("X-Bad:Name", "x")
        }
        #expect(throws: MailMessageError.invalidHeaderName("X-Con Espacio")) {
            try MessageFactory.message().addingHeader("X-Con Espacio", "x")
        }
        #expect(throws: MailMessageError.noRecipients) {
            try MailMessage(from: MessageFactory.sender, to: [], subject: "x", textBody: "x")
        }
    }

    @Test(
        "malformed addresses are refused",
        arguments: [
            "", "sin-arroba", "@example.mx", "ana@", "ana@@example.mx", "ana..b@example.mx", ".ana@example.mx",
            "ana@-example.mx", "ana@example..mx", "josé@example.mx", "ana@exámple.mx", "ana maría@example.mx",
            "<ana@example.mx>", "ana@example.mx>", String(repeating: "a", count: 65) + "@example.mx",
        ])
    func invalidAddresses(address: String) {
        #expect(throws: MailMessageError.invalidAddress(field: "address")) { try MailAddress(address) }
    }

    @Test(
        "valid addresses keep their domain",
        arguments: [
            "ana@example.mx", "ana.maria+conoceles@sub.example.com.mx", "o'neil@example.org", "x@localhost",
        ])
    func validAddresses(address: String) throws {
        let parsed = try MailAddress(address)
        #expect(parsed.domain == address.split(separator: "@").last!)
    }

    @Test("ASCII display names are quoted and escaped")
    func asciiDisplayName() throws {
        let message = try MailMessage(
            from: try MailAddress("a@example.mx", displayName: "Perez, \"Juan\" \\ Jr"),
            to: [try MailAddress("b@example.mx")], subject: "x", textBody: "x")
        #expect(
            String(decoding: message.rendered(), as: UTF8.self).contains("\r\nFrom: \"Perez, \\\"Juan\\\" \\\\ Jr\" <a@example.mx>\r\nTo: b@example.mx\r\n"))
    }

    @Test("an ASCII subject that looks like an encoded-word is encoded")
    func subjectLookingEncoded() throws {
        let message = try MessageFactory.message(subject: "=?UTF-8?B?SG9sYQ==?=")
        #expect(!String(decoding: message.rendered(), as: UTF8.self).contains("Subject: =?UTF-8?B?SG9sYQ==?=\r\n"))
    }
}
