import ConocelesCore
import Foundation
import Storage

/// A candidacy in a list of results.
struct ResultView {
    let href: String
    let name: String
    let office: String
    let entity: String
    let territory: String?
    let photo: String?
    let noInformation: String?

    init(_ profile: PublishedProfile) {
        href = "/perfil/\(queryValue(profile.id))"
        name = profile.fullName
        office = profile.officeName
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
    let pager: PagerView
}

/// One label and value of a profile; `href` only for web addresses (http/https).
struct FieldView {
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

struct IdentityView {
    let label: String
    let basis: String
    let details: [FieldView]
    let hasDetails: Bool

    init(label: String, basis: String, details: [FieldView]) {
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
    let personal: [FieldView]
    let contact: [FieldView]
    let education: [FieldView]
    let training: [String]
    let texts: [FieldView]
    let identity: [IdentityView]
    let dates: [FieldView]
    let hasPersonal: Bool, hasContact: Bool, hasEducation: Bool, hasTraining: Bool, hasIdentity: Bool, hasDates: Bool

    init(_ profile: PublishedProfile) {
        name = profile.fullName
        office = profile.officeName
        entity = profile.entityName
        territory = PortalText.territory(profile)
        formula = profile.formulaPosition.label
        noInformation = profile.hasProfile ? nil : PublishedProfile.noInformationMark
        photo = profile.photo == nil ? nil : "/perfil/\(queryValue(profile.id))/foto.jpg"
        photoAlt = "Fotografía de \(profile.fullName)"
        var personal: [FieldView] = []
        if let gender = profile.gender { personal.append(FieldView("Sexo", gender.label)) }
        if let age = profile.ageYears { personal.append(FieldView("Edad", "\(age) años")) }
        if let action = profile.affirmativeAction { personal.append(FieldView("Acción afirmativa", action.label)) }
        self.personal = personal
        var contact: [FieldView] = []
        var education: [FieldView] = []
        var texts: [FieldView] = []
        if let c = profile.curricular {
            for address in c.contact.campaignHouseAddresses { contact.append(FieldView("Casa de campaña", address)) }
            for phone in c.contact.phones { contact.append(FieldView("Teléfono", phone)) }
            for email in c.contact.emails { contact.append(FieldView("Correo electrónico", email)) }
            if let web = c.contact.webPage { contact.append(FieldView(PublicContact.Field.webPage.label, web)) }
            for network in SocialNetwork.allCases {
                if let address = c.contact.address(of: network) { contact.append(FieldView(network.label, address)) }
            }
            if let degree = c.education { education.append(FieldView("Grado máximo de estudios", degree)) }
            if let status = c.educationStatus { education.append(FieldView("Estatus", status)) }
            texts = [
                FieldView("Historia profesional y laboral", c.professionalHistory),
                FieldView("Trayectoria política", c.politicalTrajectory),
                FieldView("¿Por qué quiere ocupar un cargo público?", c.publicOfficeMotivation),
                FieldView("Propuesta 1", c.firstProposal),
                FieldView("Propuesta 2", c.secondProposal),
                FieldView("Propuesta en materia de género o del grupo que representa", c.genderProposal),
            ].filter { !$0.value.isBlank }
        }
        self.contact = contact
        self.education = education
        self.texts = texts
        training = profile.curricular?.otherTraining ?? []
        identity = profile.identity.map { group in
            IdentityView(label: group.group.label,
                         basis: group.basis == .consent ? "Con su consentimiento expreso" : "Candidatura registrada por acción afirmativa",
                         details: group.details.map { FieldView($0.label, $0.value) })
        }
        var dates: [FieldView] = []
        if let on = profile.publishedOn { dates.append(FieldView("Publicado el", on.spanishDescription)) }
        if let on = profile.republishedOn { dates.append(FieldView("Modificación publicada el", on.spanishDescription)) }
        self.dates = dates
        hasPersonal = !personal.isEmpty
        hasContact = !contact.isEmpty
        hasEducation = !education.isEmpty
        hasTraining = !training.isEmpty
        hasIdentity = !identity.isEmpty
        hasDates = !dates.isEmpty
    }
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
