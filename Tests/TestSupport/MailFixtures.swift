import Foundation

/// Mail as the servers around Conóceles write it, for the tests of the web and the workers.
public enum MailFixtures {
    /// A delivery status notification as Postfix writes it.
    public static func dsn(recipient: String, status: String, action: String, diagnostic: String) -> String {
        """
        From: MAILER-DAEMON@relay.example.org (Mail Delivery System)
        To: conoceles@localhost
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
        \tboundary="4F1A2B3C.1700000000/relay.example.org"

        This is a MIME-encapsulated message.

        --4F1A2B3C.1700000000/relay.example.org
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        --4F1A2B3C.1700000000/relay.example.org
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example.org
        X-Postfix-Queue-ID: 4F1A2B3C
        Arrival-Date: Mon,  7 Dec 2026 04:00:00 -0600 (CST)

        Final-Recipient: rfc822; \(recipient)
        Original-Recipient: rfc822;\(recipient)
        Action: \(action)
        Status: \(status)
        Remote-MTA: dns; mx.example.org
        Diagnostic-Code: \(diagnostic.replacingOccurrences(of: ">: ", with: ">:\n    "))

        --4F1A2B3C.1700000000/relay.example.org
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        From: Conóceles <conoceles@localhost>
        Subject: Credenciales de acceso

        --4F1A2B3C.1700000000/relay.example.org--

        """
    }
}
