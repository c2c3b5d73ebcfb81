import ConocelesCore
import Foundation
import Logging
import PostgresNIO
import Storage
import TestSupport

/// Rows with defaults for the storage tests: a small process, candidacies, questionnaires.
enum StorageFactories {
    static let processID = "proceso-prueba"

    static let process = ElectionProcess(
        id: processID, name: "Proceso de prueba", electoralBody: "OPL de prueba", entity: "14",
        timeZone: "America/Mexico_City", electionDay: LocalDate("2024-06-02")!, publicationDate: LocalDate("2024-04-01")!,
        municipalitiesCatalog: "jalisco-municipios.csv", districts: 3,
        offices: [
            Office(code: "GUB", name: "Gubernatura", scope: .state, seats: 1),
            Office(code: "DIP_MR", name: "Diputación local de mayoría relativa", scope: .district, seats: 3),
            Office(code: "REG", name: "Regiduría", scope: .municipality, seats: 10),
        ],
        parties: [PoliticalParty(code: "PA", name: "Partido A"), PoliticalParty(code: "PB", name: "Partido B")],
        coalitions: [Coalition(code: "CAB", name: "Coalición A-B", kind: .coalition, parties: ["PA", "PB"])],
        deadlines: Deadlines(accountsSentDays: 3, substituteCaptureDays: 5, captureDeadlines: []))

    static let key = [UInt8](repeating: 7, count: 32)
    static let cipher = try! SensitiveDataCipher(key: key, keyID: "k1")

    static let staff = ProfileActor(role: .staff, id: "staff-1")
    static let representative = ProfileActor(role: .representative, id: "rep-1")
    static let candidate = ProfileActor(role: .candidate, id: "cand-1")

    /// A candidacy with defaults: proprietor of GUB for party PA, 45 years old.
    static func candidacy(
        _ id: String = "C-\(UUID().uuidString.prefix(8))", office: String = "GUB", district: Int? = nil,
        municipality: String? = nil, listPosition: Int? = nil, position: FormulaPosition = .proprietor,
        age: CandidateAge = .years(45), affirmativeAction: IdentityGroup? = nil,
        entity: PostulatingEntity = .party(code: "PA")
    ) -> Candidacy {
        Candidacy(
            id: id, processID: processID, officeCode: office, district: district, municipality: municipality,
            listPosition: listPosition, formulaPosition: position, fullName: "María Fernanda López Ávila",
            gender: .woman, age: age, affirmativeAction: affirmativeAction, postulatingEntity: entity)
    }

    /// Registers the process and `candidacies` in `db`.
    static func seed(_ db: Database, _ candidacies: [Candidacy] = []) async throws {
        try await ProcessStore(client: db.client, logger: TestDatabase.logger).register(process)
        let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
        for candidacy in candidacies { try await repository.register(candidacy, by: .system("test")) }
    }

    /// Registers the process and one default candidacy; returns its id.
    static func seedOne(_ db: Database, _ candidacy: Candidacy = candidacy()) async throws -> String {
        try await seed(db, [candidacy])
        return candidacy.id
    }

    static func questionnaires(_ db: Database, cipher: SensitiveDataCipher = cipher) -> QuestionnaireRepository {
        QuestionnaireRepository(client: db.client, cipher: cipher, logger: TestDatabase.logger)
    }

    static func workflows(_ db: Database) -> ProfileWorkflowRepository {
        ProfileWorkflowRepository(client: db.client, logger: TestDatabase.logger)
    }

    static func audit(_ db: Database) -> AuditLog { AuditLog(client: db.client, logger: TestDatabase.logger) }

    /// An identity questionnaire with distinctive answers (a free text no ciphertext could
    /// contain by chance).
    static let otherPeopleText = "Comunidad coca de Mezcala, ribera de Chapala"
    static func identity() -> IdentityQuestionnaire {
        IdentityQuestionnaire(
            indigenous: IndigenousSection(
                identifiesAsIndigenous: .yes, speaksIndigenousLanguage: .no,
                people: .answered(.other(text: otherPeopleText))),
            disability: DisabilitySection(hasDisability: .no),
            afroMexican: .preferNotToAnswer,
            sexualDiversity: SexualDiversitySection(isLGBTTTIQ: .yes, identity: .answered(Choice(.nonBinaryPerson))),
            migrant: MigrantSection(isMigrant: .no),
            youth: .no, olderPerson: .no,
            socioeconomic: SocioeconomicSection(incomeBracket: Choice(.from25001To50000), incomeSource: Choice(.salary)),
            stateOfBirth: .entry(key: "14"))
    }

    /// A text of `count` non-white-space characters, in Spanish.
    static func text(_ count: Int) -> String {
        let words = "La participación ciudadana fortalece la vida pública de nuestro municipio y de Jalisco".split(separator: " ")
        var text = "", letters = 0, index = 0
        while letters < count {
            var word = String(words[index % words.count])
            if letters + word.count > count { word = String(word.prefix(count - letters)) }
            text += (text.isEmpty ? "" : " ") + word
            letters += word.count
            index += 1
        }
        return text
    }

    /// A curricular questionnaire that passes every rule.
    static func curricular(professionalHistory: String? = nil) -> CurricularQuestionnaire {
        CurricularQuestionnaire(
            photo: PhotoReference(
                sha256: String(repeating: "ab", count: 32), byteCount: 350_000, format: .jpeg,
                takenOn: LocalDate("2024-02-10")!, takenOnSource: .exif),
            contact: PublicContact(facebook: "https://www.facebook.com/maria.lopez", emails: ["contacto@marialopez.mx"]),
            maximumDegree: "licenciatura", degreeStatus: "cedula",
            professionalHistory: professionalHistory ?? text(300), politicalTrajectory: text(400),
            publicOfficeMotivation: text(500), firstProposal: text(300), secondProposal: text(300), genderProposal: text(280),
            publicationAuthorization: true)
    }

    /// SQLSTATE of a thrown error.
    static func sqlState(_ error: (any Error)?) -> String? { error.flatMap(PostgresErrorText.sqlState) }
}
