import ConocelesCore
import Foundation
import Storage

/// A candidacy in a list of results.
struct ResultView {
    let id: String
    /// The element id of its "Comparar" checkbox.
    let checkboxID: String
    let href: String
    let name: String
    let office: String
    /// Propietario/a or suplente: a proprietor and her substitute are two rows of one formula.
    let position: String
    let entity: String
    let territory: String?
    let photo: String?
    let noInformation: String?

    init(_ profile: PublishedProfile) {
        id = profile.id
        checkboxID = "comparar-\(queryValue(profile.id))"
        href = "/perfil/\(queryValue(profile.id))"
        name = profile.fullName
        office = profile.officeName
        position = profile.formulaPosition.label
        entity = profile.entityName
        territory = PortalText.territory(profile)
        photo = profile.photo == nil ? nil : "/perfil/\(queryValue(profile.id))/foto.jpg"
        noInformation = profile.hasProfile ? nil : PublishedProfile.noInformationMark
    }
}

struct SearchView {
    let nombre: String
    let offices: [OptionView]
    let entities: [OptionView]
    let districts: [OptionView]
    let municipalities: [OptionView]
    let genders: [OptionView]
    let education: [OptionView]
    let ages: [OptionView]
    let actions: [OptionView]
    let total: Int
    let results: [ResultView]
    let hasResults: Bool
    let pager: PagerView
}

/// One label and value of a profile; `href` only for web addresses (http/https).
struct PublicFieldView {
    let label: String
    let value: String
    let href: String?

    init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
        let lower = value.lowercased()
        href = lower.hasPrefix("https://") || lower.hasPrefix("http://") ? value : nil
    }
}

struct PublicIdentityView {
    let label: String
    let basis: String
    let details: [PublicFieldView]
    let hasDetails: Bool

    init(label: String, basis: String, details: [PublicFieldView]) {
        self.label = label
        self.basis = basis
        self.details = details
        hasDetails = !details.isEmpty
    }
}

struct ProfileView {
    let name: String
    let office: String
    let entity: String
    let territory: String?
    let formula: String
    let noInformation: String?
    let photo: String?
    let photoAlt: String
    let personal: [PublicFieldView]
    let contact: [PublicFieldView]
    let education: [PublicFieldView]
    let training: [String]
    let texts: [PublicFieldView]
    let identity: [PublicIdentityView]
    let dates: [PublicFieldView]
    let hasPersonal: Bool, hasContact: Bool, hasEducation: Bool, hasTraining: Bool, hasIdentity: Bool, hasDates: Bool
    /// The other member of the formula, when public.
    let partner: PartnerView?

    /// The link to the other member of a formula ("Su suplente: …", "Propietaria/o de su fórmula: …").
    struct PartnerView {
        let label: String
        let name: String
        let href: String
    }

    init(_ profile: PublishedProfile, partner: PublishedProfile? = nil) {
        self.partner = partner.map { other in
            PartnerView(
                label: other.formulaPosition == .alternate ? "Suplente de esta fórmula" : "Propietaria/o de esta fórmula",
                name: other.fullName, href: "/perfil/\(queryValue(other.id))")
        }
        name = profile.fullName
        office = profile.officeName
        entity = profile.entityName
        territory = PortalText.territory(profile)
        formula = profile.formulaPosition.label
        noInformation = profile.hasProfile ? nil : PublishedProfile.noInformationMark
        photo = profile.photo == nil ? nil : "/perfil/\(queryValue(profile.id))/foto.jpg"
        photoAlt = "Fotografía de \(profile.fullName)"
        var personal: [PublicFieldView] = []
        if let gender = profile.gender { personal.append(PublicFieldView("Sexo", gender.label)) }
        if let age = profile.ageYears { personal.append(PublicFieldView("Edad", "\(age) años")) }
        if let action = profile.affirmativeAction { personal.append(PublicFieldView("Acción afirmativa", action.label)) }
        self.personal = personal
        var contact: [PublicFieldView] = []
        var education: [PublicFieldView] = []
        var texts: [PublicFieldView] = []
        if let c = profile.curricular {
            for address in c.contact.campaignHouseAddresses { contact.append(PublicFieldView("Casa de campaña", address)) }
            for phone in c.contact.phones { contact.append(PublicFieldView("Teléfono", phone)) }
            for email in c.contact.emails { contact.append(PublicFieldView("Correo electrónico", email)) }
            if let web = c.contact.webPage { contact.append(PublicFieldView(PublicContact.Field.webPage.label, web)) }
            for network in SocialNetwork.allCases {
                if let address = c.contact.address(of: network) { contact.append(PublicFieldView(network.label, address)) }
            }
            if let degree = c.education { education.append(PublicFieldView("Grado máximo de estudios", degree)) }
            if let status = c.educationStatus { education.append(PublicFieldView("Estatus", status)) }
            texts = CurricularField.texts.compactMap { entry in
                guard let text = entry.text, let label = entry.publicLabel else { return nil }
                return PublicFieldView(label, c[keyPath: text.published])
            }.filter { !$0.value.isBlank }
        }
        self.contact = contact
        self.education = education
        self.texts = texts
        training = profile.curricular?.otherTraining ?? []
        identity = profile.identity.map { group in
            PublicIdentityView(
                label: group.group.label,
                basis: group.basis == .consent ? "Con su consentimiento expreso" : "Candidatura registrada por acción afirmativa",
                details: group.details.map { PublicFieldView($0.label, $0.value) })
        }
        var dates: [PublicFieldView] = []
        if let on = profile.publishedOn { dates.append(PublicFieldView("Publicado el", on.spanishDescription)) }
        if let on = profile.republishedOn { dates.append(PublicFieldView("Modificación aplicada el", on.spanishDescription)) }
        self.dates = dates
        hasPersonal = !personal.isEmpty
        hasContact = !contact.isEmpty
        hasEducation = !education.isEmpty
        hasTraining = !training.isEmpty
        hasIdentity = !identity.isEmpty
        hasDates = !dates.isEmpty
    }
}

/// The home page: what the site is, a search box and the public pages.
struct HomeView {
    let processName: String
    let electoralBody: String
    let electionDay: String
}

struct ComplianceView {
    struct Row {
        let entity: String
        let office: String
        let approved: Int
        let published: Int
        let share: String
    }
    let rows: [Row]
    let approved: Int
    let published: Int
}

struct OpenDataView {
    let version: String
    let columns: [String]
    let statistics: [StatisticsRowView]
    let groups: [String]
    /// What a reserved count reads.
    let reserved: String
}

struct StatisticsRowView {
    let dimension: String
    let value: String
    let profiles: Int
    let counts: [String]
}

/// Spanish text shared by the portal's pages.
enum PortalText {
    /// "Distrito 3", "Guadalajara", "Lugar 2 de la lista", joined; nil for a state-wide office.
    static func territory(_ profile: PublishedProfile) -> String? {
        var parts: [String] = []
        if let district = profile.district { parts.append("Distrito \(district)") }
        if let municipality = profile.municipalityName ?? profile.municipality { parts.append(municipality) }
        if let position = profile.listPosition { parts.append("Lugar \(position) de la lista") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// "42 %" of `part` in `whole` ("—" when whole is 0).
    static func share(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : "\(Int((Double(part) * 100 / Double(whole)).rounded())) %"
    }
}
