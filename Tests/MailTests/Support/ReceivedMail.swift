import Foundation

/// A message as aiosmtpd stored it, decoded by Python's `email` package with the default
/// policy: RFC 2047 headers decoded, parts decoded from quoted-printable and UTF-8.
struct ReceivedMail: Decodable {
    struct Address: Decodable, Equatable {
        let displayName: String
        let address: String
    }

    let subject: String
    let from: [Address]
    let to: [Address]
    let replyTo: [Address]
    let messageId: String
    let date: String
    let mimeVersion: String?
    let contentType: String
    let idempotencyKey: String?
    /// aiosmtpd's record of the client's address and port: equal ports mean one connection.
    let peer: String
    let text: String?
    let html: String?
    let defects: [String]

    static func parse(_ files: [URL]) async throws -> [ReceivedMail] {
        guard !files.isEmpty else { return [] }
        let output = try await ChildProcess.run(SMTPSink.python, ["-c", parser] + files.map(\.path))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode([ReceivedMail].self, from: output)
    }

    private static let parser = """
        import email, json, sys
        from email import policy

        def addresses(message, name):
            header = message[name]
            if header is None:
                return []
            return [{"display_name": a.display_name, "address": a.addr_spec} for a in header.addresses]

        def body(message, subtype):
            part = message.get_body(preferencelist=(subtype,))
            return part.get_content() if part is not None and part.get_content_subtype() == subtype else None

        result = []
        for path in sys.argv[1:]:
            with open(path, "rb") as file:
                message = email.message_from_binary_file(file, policy=policy.default)
            defects = [repr(d) for part in message.walk() for d in part.defects]
            defects += [repr(d) for value in message.values() for d in getattr(value, "defects", ())]
            result.append({
                "subject": str(message["Subject"]),
                "from": addresses(message, "From"),
                "to": addresses(message, "To"),
                "reply_to": addresses(message, "Reply-To"),
                "message_id": str(message["Message-ID"]),
                "date": str(message["Date"]),
                "mime_version": message["MIME-Version"],
                "content_type": message.get_content_type(),
                "idempotency_key": message["X-Conoceles-Idempotency-Key"],
                "peer": str(message["X-Peer"]),
                "text": body(message, "plain"),
                "html": body(message, "html"),
                "defects": defects,
            })
        json.dump(result, sys.stdout)
        """
}
