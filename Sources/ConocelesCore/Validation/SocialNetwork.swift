/// A social network whose address a candidacy may publish, and the domains its
/// addresses must be on.
public enum SocialNetwork: String, Sendable, Hashable, Codable, CaseIterable {
    case facebook
    /// Twitter, now X.
    case twitter
    case youtube
    case instagram
    case tiktok

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .facebook: "Facebook"
        case .twitter: "Twitter/X"
        case .youtube: "YouTube"
        case .instagram: "Instagram"
        case .tiktok: "TikTok"
        }
    }

    /// Domains whose hosts and subdomains (`www.`, `m.`, …) are accepted.
    public var domains: [String] {
        switch self {
        case .facebook: ["facebook.com", "fb.com"]
        case .twitter: ["twitter.com", "x.com"]
        case .youtube: ["youtube.com", "youtu.be"]
        case .instagram: ["instagram.com"]
        case .tiktok: ["tiktok.com"]
        }
    }

    /// Whether `text` is an http(s) address on one of this network's domains with a path
    /// that leads somewhere (a bare home page is not a candidate's profile).
    public func accepts(_ text: String) -> Bool {
        guard let address = WebAddress(text), domains.contains(where: address.isOnDomain) else { return false }
        return address.path.contains { $0 != "/" }
    }

    /// Spanish message for an address this network does not accept.
    public var invalidMessage: String {
        let examples = domains.map { "https://\($0)/…" }.joined(separator: " o ")
        return "La dirección de \(label) no es válida: debe ser la de su perfil o canal, por ejemplo \(examples)."
    }
}
