import Foundation

/// A delivery status notification (RFC 3464): a `multipart/report;
/// report-type=delivery-status` message whose `message/delivery-status` part lists, per
/// recipient, `Final-Recipient`, `Action`, `Status` and `Diagnostic-Code`. What a relay that
/// accepted a message and could not deliver it later sends back to the envelope sender.
public struct DeliveryStatusNotification: Sendable, Equatable {
    /// One recipient's block.
    public struct Recipient: Sendable, Equatable {
        /// The address (the `rfc822;` type removed), lower-cased.
        public let address: String
        /// `failed`, `delayed`, `delivered`, `relayed`, `expanded` (lower-cased).
        public let action: String
        /// The enhanced status code, e.g. `5.1.1`.
        public let status: String
        /// The remote server's reply, e.g. `smtp; 550 5.1.1 User unknown` (may be empty).
        public let diagnostic: String

        /// A permanent failure: `Status: 5.x.x` (whatever `Action` says).
        public var isPermanentFailure: Bool { status.hasPrefix("5.") }
    }

    public let recipients: [Recipient]

    /// The permanent failures (Status 5.x.x).
    public var permanentFailures: [Recipient] { recipients.filter(\.isPermanentFailure) }

    /// Parses `raw` (a whole message, CRLF or LF); nil when it is not a delivery status
    /// notification (an ordinary reply, an auto-responder, spam).
    public init?(raw: String) {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let (headers, body) = Self.split(text)
        guard let contentType = headers["content-type"] else { return nil }
        let (type, parameters) = Self.contentType(contentType)
        let statusText: String
        if type == "message/delivery-status" {
            statusText = body
        } else if type == "multipart/report", let boundary = parameters["boundary"] {
            guard
                let part = Self.parts(body, boundary: boundary).first(where: { part in
                    Self.split(part).headers["content-type"].map { Self.contentType($0).type } == "message/delivery-status"
                })
            else { return nil }
            let (partHeaders, partBody) = Self.split(part)
            statusText =
                partHeaders["content-transfer-encoding"]?.lowercased() == "base64"
                ? (Data(base64Encoded: partBody.filter { !$0.isWhitespace }).flatMap { String(data: $0, encoding: .utf8) } ?? "")
                : partBody
        } else {
            return nil
        }
        // Per-message fields first, then one block per recipient, blocks separated by blank lines.
        var recipients: [Recipient] = []
        for block in statusText.replacingOccurrences(of: "\n\n\n", with: "\n\n").components(separatedBy: "\n\n") {
            let fields = Self.fields(block)
            guard let final = fields["final-recipient"] ?? fields["original-recipient"], let status = fields["status"] else { continue }
            let address = (final.split(separator: ";", maxSplits: 1).last.map(String.init) ?? final)
                .trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "<>"))).lowercased()
            let code = String(status.prefix { !$0.isWhitespace && $0 != "(" })
            recipients.append(
                Recipient(
                    address: address, action: (fields["action"] ?? "").lowercased(), status: code,
                    diagnostic: fields["diagnostic-code"] ?? ""))
        }
        guard !recipients.isEmpty else { return nil }
        self.recipients = recipients
    }

    /// Header fields (unfolded, names lower-cased, first occurrence) and the body.
    static func split(_ text: String) -> (headers: [String: String], body: String) {
        let trimmed = text.drop { $0 == "\n" }
        let range = trimmed.range(of: "\n\n")
        let head = range.map { String(trimmed[..<$0.lowerBound]) } ?? String(trimmed)
        let body = range.map { String(trimmed[$0.upperBound...]) } ?? ""
        return (fields(head), body)
    }

    /// `Name: value` lines with continuation lines unfolded; names lower-cased.
    static func fields(_ block: String) -> [String: String] {
        var result: [String: String] = [:]
        var current: (String, String)?
        func flush() {
            if let (name, value) = current, result[name] == nil { result[name] = value.trimmingCharacters(in: .whitespaces) }
        }
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", current != nil {
                current!.1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                flush()
                current = (line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(), String(line[line.index(after: colon)...]))
            }
        }
        flush()
        return result
    }

    /// `type/subtype; name=value; name="value"` → the lower-cased type and the parameters.
    static func contentType(_ value: String) -> (type: String, parameters: [String: String]) {
        let pieces = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var parameter = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if parameter.hasPrefix("\""), parameter.hasSuffix("\""), parameter.count >= 2 { parameter = String(parameter.dropFirst().dropLast()) }
            parameters[name] = parameter
        }
        return ((pieces.first ?? "").lowercased(), parameters)
    }

    /// The parts of a multipart body between `--boundary` lines.
    static func parts(_ body: String, boundary: String) -> [String] {
        var parts: [String] = []
        var current: [Substring]?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "--\(boundary)--" {
                if let current { parts.append(current.joined(separator: "\n")) }
                return parts
            }
            if trimmed == "--\(boundary)" {
                if let current { parts.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current?.append(line)
            }
        }
        if let current { parts.append(current.joined(separator: "\n")) }
        return parts
    }
}
