import Foundation
@testable import ConocelesCore

/// Test data with defaults: small catalogs, texts of an exact length, complete questionnaires.
enum Factories {
    static let catalogs = Catalogs(
        states: Catalog([
            CatalogEntry(key: "09", name: "Ciudad de México"),
            CatalogEntry(key: "14", name: "Jalisco"),
        ]),
        municipalities: Catalog([
            CatalogEntry(key: "039", name: "Guadalajara"),
            CatalogEntry(key: "120", name: "Zapopan"),
        ]),
        indigenousPeoples: Catalog([
            CatalogEntry(key: "33", name: "Huichol (Wixárika)"),
            CatalogEntry(key: "44", name: "Náhuatl"),
        ]),
        countries: Catalog([
            CatalogEntry(key: "USA", name: "Estados Unidos de América"),
            CatalogEntry(key: "CAN", name: "Canadá"),
        ])
    )

    /// Visible units, each exactly one grapheme cluster: plain and accented letters
    /// (precomposed and with combining marks), emoji (with skin tone, ZWJ family, flag).
    static let units = ["a", "á", "e\u{301}", "ñ", "Ü", "a\u{308}\u{323}", "😀", "👩🏽‍💻", "👨‍👩‍👧‍👦", "🇲🇽", "x", "9", "¿", "."]
    /// White space that must not count: space, tab, newline, CR LF, NBSP, em space,
    /// ideographic space, narrow NBSP, line separator, zero-width space; and nothing.
    static let separators = [" ", "\t", "\n", "\r\n", "\u{00A0}", "\u{2003}", "\u{3000}", "\u{202F}", "\u{2028}", "\u{200B}", ""]

    /// A text with exactly `count` non-white-space characters, mixing every unit and separator.
    static func text(_ count: Int) -> String {
        var text = "\u{00A0}\t"
        for index in 0..<count {
            text += units[index % units.count]
            text += separators[index % separators.count]
        }
        return text + " \n"
    }

    static let today = LocalDate("2024-03-01")!

    static let photo = PhotoReference(
        sha256: String(repeating: "ab", count: 32), byteCount: 350_000, format: .jpeg,
        takenOn: LocalDate("2024-02-10")!, takenOnSource: .exif)

    /// A curricular questionnaire that passes every rule.
    static func completeCurricular() -> CurricularQuestionnaire {
        CurricularQuestionnaire(
            photo: photo,
            contact: PublicContact(
                facebook: "https://www.facebook.com/maria.lopez",
                twitter: "https://x.com/marialopez",
                emails: ["contacto@marialopez.mx"],
                phones: ["33 1234 5678"],
                campaignHouseAddresses: ["Av. Juárez 100, Guadalajara, Jalisco"]),
            maximumDegree: "licenciatura",
            degreeStatus: "cedula",
            otherTraining: ["Diplomado en políticas públicas, 2019"],
            professionalHistory: text(300),
            politicalTrajectory: text(400),
            publicOfficeMotivation: text(500),
            firstProposal: text(300),
            secondProposal: text(1_600),
            genderProposal: text(280),
            publicationAuthorization: true)
    }

    /// An identity questionnaire answered "Sí" to every group, with every follow-up answered.
    static func allYesIdentity() -> IdentityQuestionnaire {
        IdentityQuestionnaire(
            indigenous: IndigenousSection(identifiesAsIndigenous: .yes, speaksIndigenousLanguage: .yes, people: .answered(.entry(key: "33"))),
            disability: DisabilitySection(
                hasDisability: .yes, duration: .answered(Choice(.permanent)),
                types: .answered(MultipleChoice([.physical, .sensory])),
                difficulties: .answered(MultipleChoice([.walking]))),
            afroMexican: .yes,
            sexualDiversity: SexualDiversitySection(isLGBTTTIQ: .yes, identity: .answered(Choice(.nonBinaryPerson))),
            migrant: MigrantSection(
                isMigrant: .yes, countryOfResidence: .answered(.entry(key: "USA")),
                timeAbroad: .answered(Choice(.sixToFifteenYears)), reason: .answered(Choice(.work)),
                hadRegularPlacement: .answered(.yes)),
            youth: .yes,
            olderPerson: .no,
            socioeconomic: SocioeconomicSection(incomeBracket: Choice(.from25001To50000), incomeSource: Choice(.salary)),
            stateOfBirth: .entry(key: "14"))
    }

    /// An identity questionnaire answered "No" everywhere, follow-ups "No aplica".
    static func allNoIdentity() -> IdentityQuestionnaire {
        IdentityQuestionnaire(
            indigenous: IndigenousSection(identifiesAsIndigenous: .no, speaksIndigenousLanguage: .no, people: .notApplicable),
            disability: DisabilitySection(hasDisability: .no, duration: .notApplicable, types: .notApplicable, difficulties: .notApplicable),
            afroMexican: .no,
            sexualDiversity: SexualDiversitySection(isLGBTTTIQ: .no, identity: .notApplicable),
            migrant: MigrantSection(
                isMigrant: .no, countryOfResidence: .notApplicable, timeAbroad: .notApplicable,
                reason: .notApplicable, hadRegularPlacement: .notApplicable),
            youth: .no,
            olderPerson: .no,
            socioeconomic: SocioeconomicSection(incomeBracket: Choice(.preferNotToAnswer), incomeSource: Choice(.preferNotToAnswer)),
            stateOfBirth: .preferNotToAnswer)
    }

    static func candidacy(
        status: CandidacyStatus = .approved,
        affirmativeAction: IdentityGroup? = nil,
        office: String = "DIP_MR",
        district: Int? = 10,
        municipality: String? = nil,
        listPosition: Int? = nil,
        entity: PostulatingEntity = .party(code: "MC")
    ) -> Candidacy {
        Candidacy(
            id: "C-0001", processID: "jalisco-2024", officeCode: office, district: district, municipality: municipality,
            listPosition: listPosition, formulaPosition: .proprietor, fullName: "María López Hernández", gender: .woman,
            age: .birthDate(LocalDate("1990-06-15")!), affirmativeAction: affirmativeAction, postulatingEntity: entity,
            status: status)
    }

    static let process = ElectionProcess(
        id: "jalisco-2024", name: "Proceso Electoral Local Concurrente 2023-2024",
        electoralBody: "IEPC Jalisco", entity: "14", timeZone: "America/Mexico_City",
        electionDay: LocalDate("2024-06-02")!, publicationDate: LocalDate("2024-03-31")!,
        municipalitiesCatalog: "jalisco-municipios.csv", districts: 20,
        offices: [
            Office(code: "GUB", name: "Gubernatura", scope: .state, seats: 1),
            Office(code: "DIP_MR", name: "Diputación local de mayoría relativa", scope: .district, seats: 20),
            Office(code: "DIP_RP", name: "Diputación local de representación proporcional", scope: .list, seats: 18),
            Office(code: "PM", name: "Presidencia municipal", scope: .municipality, seats: 125),
        ],
        parties: [PoliticalParty(code: "PAN", name: "Partido Acción Nacional"), PoliticalParty(code: "MC", name: "Movimiento Ciudadano")],
        coalitions: [
            Coalition(code: "FCJ", name: "Fuerza y Corazón por Jalisco", kind: .coalition, parties: ["PAN", "PRI", "PRD"]),
            Coalition(code: "CC1", name: "Candidatura común de prueba", kind: .commonCandidacy, parties: ["PAN", "MC"]),
        ],
        deadlines: Deadlines(accountsSentDays: 3, substituteCaptureDays: 5, captureDeadlines: []))

    static let at = Date(timeIntervalSince1970: 1_710_000_000)
}
