/// The common ways people write contact data, rewritten to the form the rules check and the
/// profile publishes: phones as their ten digits ("(33) 1234-5678" → "3312345678"), an address
/// without a scheme with `https://` ("www.ejemplo.mx" → "https://www.ejemplo.mx"), a
/// network's `@usuario` as the address of that profile on the network. A value that does not
/// fit is left as typed (the rules then flag it).
extension PublicContact {
    /// One value rewritten: which field, what was typed and what is kept.
    public struct Adjustment: Sendable, Hashable {
        public let field: FormField
        public let typed: String
        public let kept: String
    }

    /// The contact with every value in its canonical form, and what changed.
    public func normalized() -> (contact: PublicContact, adjustments: [Adjustment]) {
        var copy = self
        var adjustments: [Adjustment] = []
        func note(_ field: FormField, _ typed: String, _ kept: String) -> String {
            if typed != kept { adjustments.append(Adjustment(field: field, typed: typed, kept: kept)) }
            return kept
        }
        for network in SocialNetwork.allCases {
            guard let typed = address(of: network), !typed.isBlank else { continue }
            let kept = note(Self.field(of: network), typed, network.normalizedAddress(typed))
            switch network {
            case .facebook: copy.facebook = kept
            case .twitter: copy.twitter = kept
            case .youtube: copy.youtube = kept
            case .instagram: copy.instagram = kept
            case .tiktok: copy.tiktok = kept
            }
        }
        if let typed = webPage, !typed.isBlank {
            copy.webPage = note(Field.webPage, typed, WebAddress.withScheme(typed))
        }
        copy.phones = phones.enumerated().map { index, typed in
            note(Field.phone(index), typed, MexicanPhoneNumber.tenDigits(typed) ?? typed)
        }
        return (copy, adjustments)
    }
}

extension WebAddress {
    /// `text` with `https://` in front when it has no scheme and would then be a valid
    /// address ("www.ejemplo.mx/x"); otherwise `text` unchanged.
    public static func withScheme(_ text: String) -> String {
        let trimmed = text.trimmedOfWhiteSpace
        guard !trimmed.contains("://"), WebAddress("https://" + trimmed) != nil else { return text }
        return "https://" + trimmed
    }
}

extension SocialNetwork {
    /// The profile address on this network of a handle (`@usuario` → `https://x.com/usuario`),
    /// an address without its scheme with `https://`, anything else unchanged.
    public func normalizedAddress(_ text: String) -> String {
        let trimmed = text.trimmedOfWhiteSpace
        if trimmed.hasPrefix("@") {
            let handle = trimmed.dropFirst()
            guard !handle.isEmpty, handle.count <= 100,
                handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isASCIIDigit || $0 == "." || $0 == "_" || $0 == "-") })
            else { return text }
            return profileAddress(handle: String(handle))
        }
        return WebAddress.withScheme(text)
    }

    /// The address of the profile `handle` on this network.
    func profileAddress(handle: String) -> String {
        switch self {
        case .facebook: "https://www.facebook.com/\(handle)"
        case .twitter: "https://x.com/\(handle)"
        case .youtube: "https://www.youtube.com/@\(handle)"
        case .instagram: "https://www.instagram.com/\(handle)"
        case .tiktok: "https://www.tiktok.com/@\(handle)"
        }
    }
}
