import Foundation
@testable import Mail
import Testing

/// Bounces as relays write them (RFC 3464), read field by field.
@Suite("Delivery status notifications")
struct DeliveryStatusNotificationTests {
    static let report = """
        From: MAILER-DAEMON@mx.example.org\r
        Content-Type: multipart/report; report-type=delivery-status; boundary="==b=="\r
        \r
        --==b==\r
        Content-Type: text/plain\r
        \r
        Delivery failed.\r
        --==b==\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example.org\r
        \r
        Final-Recipient: rfc822; <Ana@Example.org>\r
        Action: failed\r
        Status: 5.1.1 (bad destination mailbox address)\r
        Diagnostic-Code: smtp; 550 5.1.1 User unknown\r
        \r
        Final-Recipient: rfc822; luis@example.org\r
        Action: delayed\r
        Status: 4.4.7\r
        --==b==--\r

        """

    @Test func readsEachRecipientsStatus() throws {
        let dsn = try #require(DeliveryStatusNotification(raw: Self.report))
        #expect(dsn.recipients.map(\.address) == ["ana@example.org", "luis@example.org"])
        #expect(dsn.recipients.map(\.status) == ["5.1.1", "4.4.7"])
        #expect(dsn.permanentFailures.map(\.address) == ["ana@example.org"])
        #expect(dsn.permanentFailures.first?.diagnostic == "smtp; 550 5.1.1 User unknown")
        #expect(dsn.permanentFailures.first?.action == "failed")
    }

    @Test func aBase64StatusPartIsDecoded() throws {
        let status = Data("Final-Recipient: rfc822;x@example.org\nAction: failed\nStatus: 5.2.2\n".utf8).base64EncodedString()
        let raw = """
            Content-Type: multipart/report; report-type=delivery-status; boundary=B

            --B
            Content-Type: message/delivery-status
            Content-Transfer-Encoding: base64

            \(status)
            --B--
            """
        #expect(DeliveryStatusNotification(raw: raw)?.permanentFailures.map(\.status) == ["5.2.2"])
    }

    @Test(arguments: [
        "From: a@example.org\nSubject: Gracias\n\nRecibido.\n",
        "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nStatus: 5.1.1\n--B--\n",
        "Content-Type: multipart/report; boundary=B\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n--B--\n",
    ])
    func otherMailIsNoBounce(raw: String) {
        #expect(DeliveryStatusNotification(raw: raw) == nil)
    }
}
