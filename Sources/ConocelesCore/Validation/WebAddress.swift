/// An `http`/`https` address as people type it in a form, parsed just enough to check it:
/// scheme, host (lowercased, without a trailing dot) and what follows the host. No user
/// information (`user@host`), no white space, a host of DNS labels with at least one dot.
public struct WebAddress: Sendable, Hashable {
    /// `http` or `https`.
    public let scheme: String
    /// Lowercased host, e.g. `www.facebook.com`.
    public let host: String
    /// Port, when written.
    public let port: Int?
    /// Everything from the first `/`, `?` or `#` after the host ("" when nothing follows).
    public let rest: String

    /// Parses `text` (surrounding white space ignored); nil when it is not an absolute
    /// http(s) address with a valid host.
    public init?(_ text: String) {
        let trimmed = text.trimmedOfWhiteSpace
        guard !trimmed.unicodeScalars.contains(where: { $0.isCountedAsWhiteSpace || $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        let lower = trimmed.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return nil }
        let afterScheme = trimmed.dropFirst(scheme.count + 3)
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard !authority.contains("@"), !authority.contains("\\") else { return nil }
        var hostPart = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":") {
            let digits = authority[authority.index(after: colon)...]
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits), value <= 65_535
            else { return nil }
            port = value
            hostPart = authority[..<colon]
        }
        var host = hostPart.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        guard Self.isValidHost(host) else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.rest = String(afterScheme[authorityEnd...])
    }

    /// The path without query or fragment ("" or "/" when there is none).
    public var path: String {
        String(rest.prefix { $0 != "?" && $0 != "#" })
    }

    /// Whether the host is `domain` or one of its subdomains (`www.`, `m.`, …).
    public func isOnDomain(_ domain: String) -> Bool {
        host == domain || host.hasSuffix("." + domain)
    }

    /// DNS host names: labels of letters (any script, for internationalized names), digits
    /// and inner hyphens, at most 63 characters each, at least two labels, 253 in all,
    /// and a top-level label that is not all digits.
    static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let top = labels.last, !top.allSatisfy(\.isASCIIDigit) else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isLetter || $0.isASCIIDigit || $0 == "-" }
        }
    }
}

extension Character {
    /// "0"…"9" only (not other scripts' digits).
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
