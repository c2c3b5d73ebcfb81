/// The curricular questionnaire: the public part of a profile, published once verified.
/// Texts are stored as typed; their limits are checked by `completeness(…)` against
/// `ValidationRules`. Stored as JSON.
public struct CurricularQuestionnaire: Sendable, Hashable, Codable {
    /// Fotografía (JPEG or PNG, under the size limit, at most 3 months old at publication).
    public var photo: PhotoReference?
    /// Medios de contacto públicos (all optional).
    public var contact: PublicContact
    /// Grado máximo de estudios: a key of `ValidationRules.educationLevels`.
    public var maximumDegree: String?
    /// Estatus del grado máximo: a key of `ValidationRules.educationStatuses`.
    public var degreeStatus: String?
    /// Otra formación académica: courses, diplomas, seminars; one entry each.
    public var otherTraining: [String]
    /// Historia profesional y/o laboral.
    public var professionalHistory: String
    /// Trayectoria política y/o participación social en organizaciones ciudadanas o de la sociedad civil.
    public var politicalTrajectory: String
    /// ¿Por qué quiere ocupar un cargo público?
    public var publicOfficeMotivation: String
    /// Primera de sus dos principales propuestas.
    public var firstProposal: String
    /// Segunda de sus dos principales propuestas.
    public var secondProposal: String
    /// Propuesta en materia de género o, en su caso, del grupo en situación de discriminación que representa.
    public var genderProposal: String
    /// Manifestación de autorización para la publicación de la información: nil until
    /// answered. Not required of candidacies registered under an affirmative action.
    public var publicationAuthorization: Bool?

    /// A questionnaire with the given answers; empty by default.
    public init(
        photo: PhotoReference? = nil,
        contact: PublicContact = .init(),
        maximumDegree: String? = nil,
        degreeStatus: String? = nil,
        otherTraining: [String] = [],
        professionalHistory: String = "",
        politicalTrajectory: String = "",
        publicOfficeMotivation: String = "",
        firstProposal: String = "",
        secondProposal: String = "",
        genderProposal: String = "",
        publicationAuthorization: Bool? = nil
    ) {
        self.photo = photo
        self.contact = contact
        self.maximumDegree = maximumDegree
        self.degreeStatus = degreeStatus
        self.otherTraining = otherTraining
        self.professionalHistory = professionalHistory
        self.politicalTrajectory = politicalTrajectory
        self.publicOfficeMotivation = publicOfficeMotivation
        self.firstProposal = firstProposal
        self.secondProposal = secondProposal
        self.genderProposal = genderProposal
        self.publicationAuthorization = publicationAuthorization
    }

    /// Field identifiers and Spanish labels.
    public enum Field {
        public static let photo = FormField("curricular.photo", "Fotografía")
        public static let maximumDegree = FormField("curricular.maximum_degree", "Grado máximo de estudios")
        public static let degreeStatus = FormField("curricular.degree_status", "Estatus del grado máximo de estudios")
        /// Field of the other-training entry at `index`.
        public static func otherTraining(_ index: Int) -> FormField {
            FormField("curricular.other_training[\(index)]", "Otra formación académica")
        }
        public static let professionalHistory = FormField("curricular.professional_history", "Historia profesional y/o laboral")
        public static let politicalTrajectory = FormField(
            "curricular.political_trajectory",
            "Trayectoria política y/o participación social en organizaciones ciudadanas o de la sociedad civil")
        public static let publicOfficeMotivation = FormField("curricular.public_office_motivation", "¿Por qué quiere ocupar un cargo público?")
        public static let firstProposal = FormField("curricular.first_proposal", "Primera propuesta")
        public static let secondProposal = FormField("curricular.second_proposal", "Segunda propuesta")
        public static let genderProposal = FormField(
            "curricular.gender_proposal",
            "Propuesta en materia de género o del grupo en situación de discriminación que representa")
        public static let publicationAuthorization = FormField(
            "curricular.publication_authorization",
            "Manifestación de autorización para la publicación de la información")
    }
}
