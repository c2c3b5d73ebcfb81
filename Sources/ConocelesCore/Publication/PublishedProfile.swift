/// A candidacy as the public sees it in one publication snapshot: what registration made
/// public (name, office, party, territory) and, once its profile is published, the last
/// published curricular questionnaire with labels resolved, the identity groups
/// `PublicationRules.publicIdentity` allows, the published photo and publication dates.
/// Built by `publication.rebuild`; nothing else reaches the portal, the open data or the API.
public struct PublishedProfile: Sendable, Hashable, Codable {
    /// The published part of the curricular questionnaire, labels resolved.
    public struct Curricular: Sendable, Hashable, Codable {
        public var contact: PublicContact
        /// Spanish name of the maximum degree of study ("Licenciatura"), if given.
        public var education: String?
        /// Spanish name of its status ("Titulado"), if given.
        public var educationStatus: String?
        public var otherTraining: [String]
        public var professionalHistory: String
        public var politicalTrajectory: String
        public var publicOfficeMotivation: String
        public var firstProposal: String
        public var secondProposal: String
        public var genderProposal: String

        /// A published questionnaire; the long texts (`CurricularField.texts`) empty unless given.
        public init(
            contact: PublicContact, education: String?, educationStatus: String?, otherTraining: [String],
            professionalHistory: String = "", politicalTrajectory: String = "", publicOfficeMotivation: String = "",
            firstProposal: String = "", secondProposal: String = "", genderProposal: String = ""
        ) {
            self.contact = contact
            self.education = education
            self.educationStatus = educationStatus
            self.otherTraining = otherTraining
            self.professionalHistory = professionalHistory
            self.politicalTrajectory = politicalTrajectory
            self.publicOfficeMotivation = publicOfficeMotivation
            self.firstProposal = firstProposal
            self.secondProposal = secondProposal
            self.genderProposal = genderProposal
        }
    }

    /// The published photo variant (no metadata), by its blob address.
    public struct Photo: Sendable, Hashable, Codable {
        public var sha256: String
        public var contentType: String
        public var width: Int
        public var height: Int

        public init(sha256: String, contentType: String, width: Int, height: Int) {
            self.sha256 = sha256
            self.contentType = contentType
            self.width = width
            self.height = height
        }
    }

    /// The candidacy's id (the registration system's key).
    public var id: String
    public var fullName: String
    public var officeCode: String
    /// Spanish name of the office.
    public var officeName: String
    public var entityKind: PostulatingEntity.Kind
    public var entityCode: String
    /// Spanish name of the party, coalition, common candidacy or "Candidatura independiente".
    public var entityName: String
    public var district: Int?
    /// INEGI key and Spanish name of the municipality.
    public var municipality: String?
    public var municipalityName: String?
    public var listPosition: Int?
    public var formulaPosition: FormulaPosition
    /// Gender and age on election day: shown with a published profile only (a candidacy
    /// without one shows name, office, party and territory).
    public var gender: Gender?
    public var ageYears: Int?
    /// The affirmative action the candidacy was registered under, shown with a published profile.
    public var affirmativeAction: IdentityGroup?
    /// The published questionnaire; nil while the candidacy has not provided its information.
    public var curricular: Curricular?
    /// The education key of the published questionnaire (the filter's value).
    public var educationKey: String?
    /// Identity groups that may be public (consent or affirmative action).
    public var identity: [PublicIdentityGroup]
    public var photo: Photo?
    /// When the profile was first published and when its modification was republished (dates only).
    public var publishedOn: LocalDate?
    public var republishedOn: LocalDate?

    /// Whether the profile has been published.
    public var hasProfile: Bool { curricular != nil }

    /// The mark of a listed candidacy whose profile is not published yet.
    public static let noInformationMark = "Esta candidatura aún no ha proporcionado su información"

    /// A public profile.
    public init(
        id: String, fullName: String, officeCode: String, officeName: String, entityKind: PostulatingEntity.Kind,
        entityCode: String, entityName: String, district: Int?, municipality: String?, municipalityName: String?,
        listPosition: Int?, formulaPosition: FormulaPosition, gender: Gender?, ageYears: Int?, affirmativeAction: IdentityGroup?,
        curricular: Curricular?, educationKey: String?, identity: [PublicIdentityGroup], photo: Photo?,
        publishedOn: LocalDate?, republishedOn: LocalDate?
    ) {
        self.id = id
        self.fullName = fullName
        self.officeCode = officeCode
        self.officeName = officeName
        self.entityKind = entityKind
        self.entityCode = entityCode
        self.entityName = entityName
        self.district = district
        self.municipality = municipality
        self.municipalityName = municipalityName
        self.listPosition = listPosition
        self.formulaPosition = formulaPosition
        self.gender = gender
        self.ageYears = ageYears
        self.affirmativeAction = affirmativeAction
        self.curricular = curricular
        self.educationKey = educationKey
        self.identity = identity
        self.photo = photo
        self.publishedOn = publishedOn
        self.republishedOn = republishedOn
    }
}
