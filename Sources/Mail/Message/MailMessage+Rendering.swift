extension MailMessage {
    /// The message as sent over SMTP: headers and MIME body, CRLF line endings, every line
    /// within 998 octets (header lines folded to 76 where possible, body lines at most 76).
    /// Not dot-stuffed: the SMTP client does that.
    public func rendered() -> [UInt8] {
        var head = RFC5322Date.format(date).withHeaderName("Date")
        head += HeaderFolding.fold(name: "From", tokens: HeaderFolding.addressTokens([from]))
        if let replyTo {
            head += HeaderFolding.fold(name: "Reply-To", tokens: HeaderFolding.addressTokens([replyTo]))
        }
        head += HeaderFolding.fold(name: "To", tokens: HeaderFolding.addressTokens(to))
        head += HeaderFolding.fold(name: "Subject", tokens: HeaderFolding.unstructuredTokens(subject))
        head += "<\(messageID)>".withHeaderName("Message-ID")
        head += "1.0".withHeaderName("MIME-Version")
        for header in headers {
            head += HeaderFolding.fold(name: header.name, tokens: HeaderFolding.unstructuredTokens(header.value))
        }

        var bytes = Array(head.utf8)
        guard let htmlBody else {
            bytes += Self.partHeaders(subtype: "plain")
            bytes += QuotedPrintable.encode(textBody) + Self.crlf
            return bytes
        }
        bytes += Array("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n".utf8)
        for (subtype, body) in [("plain", textBody), ("html", htmlBody)] {
            bytes += Array("--\(boundary)\r\n".utf8)
            bytes += Self.partHeaders(subtype: subtype)
            bytes += QuotedPrintable.encode(body) + Self.crlf
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return bytes
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func partHeaders(subtype: String) -> [UInt8] {
        Array("Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
    }
}

private extension String {
    /// A short header line whose value needs no folding.
    func withHeaderName(_ name: String) -> String {
        "\(name): \(self)\r\n"
    }
}
