/// Public contact media of a candidacy. All optional: only those used as a candidate.
public struct PublicContact: Sendable, Hashable, Codable {
    /// Facebook address.
    public var facebook: String?
    /// Twitter/X address.
    public var twitter: String?
    /// YouTube address.
    public var youtube: String?
    /// Instagram address.
    public var instagram: String?
    /// TikTok address.
    public var tiktok: String?
    /// Web page.
    public var webPage: String?
    /// Public e-mail addresses.
    public var emails: [String]
    /// Public phone numbers (Mexican).
    public var phones: [String]
    /// Campaign house addresses, as free text.
    public var campaignHouseAddresses: [String]

    /// Contact media; none by default.
    public init(
        facebook: String? = nil, twitter: String? = nil, youtube: String? = nil, instagram: String? = nil, tiktok: String? = nil,
        webPage: String? = nil, emails: [String] = [], phones: [String] = [], campaignHouseAddresses: [String] = []
    ) {
        self.facebook = facebook
        self.twitter = twitter
        self.youtube = youtube
        self.instagram = instagram
        self.tiktok = tiktok
        self.webPage = webPage
        self.emails = emails
        self.phones = phones
        self.campaignHouseAddresses = campaignHouseAddresses
    }

    /// The address given for `network`, or nil.
    public func address(of network: SocialNetwork) -> String? {
        switch network {
        case .facebook: facebook
        case .twitter: twitter
        case .youtube: youtube
        case .instagram: instagram
        case .tiktok: tiktok
        }
    }

    /// Field of `network`'s address.
    public static func field(of network: SocialNetwork) -> FormField {
        FormField("curricular.contact.\(network.rawValue)", network.label)
    }

    /// Field identifiers and Spanish labels.
    public enum Field {
        public static let webPage = FormField("curricular.contact.web_page", "Página web")
        /// Field of the e-mail at `index`.
        public static func email(_ index: Int) -> FormField { FormField("curricular.contact.emails[\(index)]", "Correo electrónico público") }
        /// Field of the phone at `index`.
        public static func phone(_ index: Int) -> FormField { FormField("curricular.contact.phones[\(index)]", "Teléfono público de contacto") }
        /// Field of the campaign house address at `index`.
        public static func campaignHouseAddress(_ index: Int) -> FormField {
            FormField("curricular.contact.campaign_house_addresses[\(index)]", "Domicilio de casa de campaña")
        }
    }

    func validate(into collector: inout IssueCollector) {
        for network in SocialNetwork.allCases {
            guard let address = address(of: network), !address.isBlank else { continue }
            if !network.accepts(address) { collector.add(Self.field(of: network), .invalidURL, network.invalidMessage) }
        }
        if let webPage, !webPage.isBlank, WebAddress(webPage) == nil {
            collector.add(Field.webPage, .invalidURL, "La página web no es válida; escríbala completa, por ejemplo https://www.ejemplo.mx.")
        }
        for (index, email) in emails.enumerated() where !EmailAddress.isValid(email) {
            collector.add(
                Field.email(index), email.isBlank ? .missing : .invalidEmail,
                email.isBlank ? "Escriba el correo electrónico o quítelo." : EmailAddress.invalidMessage)
        }
        for (index, phone) in phones.enumerated() where !MexicanPhoneNumber.isValid(phone) {
            collector.add(
                Field.phone(index), phone.isBlank ? .missing : .invalidPhone,
                phone.isBlank ? "Escriba el teléfono o quítelo." : MexicanPhoneNumber.invalidMessage)
        }
        for (index, address) in campaignHouseAddresses.enumerated() where address.isBlank {
            collector.add(Field.campaignHouseAddress(index), .missing, "Escriba el domicilio o quítelo.")
        }
    }
}
