/// An e-mail address with an optional display name, validated when built.
///
/// The address must be plain ASCII `local@domain` (no SMTPUTF8, no quoted local parts, no
/// address literals): what every relay accepts. The display name may be any Unicode text
/// without control characters; it is RFC 2047 encoded when the message is rendered.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The bare address, `local@domain`, as used in the SMTP envelope.
    public let address: String
    /// The human name shown by mail clients, `nil` for none.
    public let displayName: String?

    /// Validates `address` and `displayName`.
    /// - Throws: ``MailMessageError/lineBreakInHeader(field:)`` for CR/LF anywhere,
    ///   ``MailMessageError/invalidAddress(field:)`` for a malformed address.
    public init(_ address: String, displayName: String? = nil) throws(MailMessageError) {
        try HeaderValidation.checkValue(address, field: "address")
        guard Self.isValid(address: address) else { throw .invalidAddress(field: "address") }
        if let displayName {
            try HeaderValidation.checkValue(displayName, field: "display-name")
        }
        self.address = address
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The part after `@`, used for Message-IDs.
    public var domain: Substring {
        address[address.index(after: address.lastIndex(of: "@")!)...]
    }

    /// `Name <local@domain>`, unencoded, for display.
    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? address
    }

    static func isValid(address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        return isValidLocalPart(local) && isValidDomain(domain)
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    private static func isValidLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".")
        else { return false }
        var previousWasDot = false
        for byte in local {
            let isDot = byte == UInt8(ascii: ".")
            if isDot && previousWasDot { return false }
            guard isDot || isAlphanumeric(byte) || atextSymbols.contains(byte) else { return false }
            previousWasDot = isDot
        }
        return true
    }

    private static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        guard (1...253).contains(domain.count) else { return false }
        for label in domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count),
                label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
