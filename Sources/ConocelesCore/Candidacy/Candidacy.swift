/// An approved candidacy as the registration system (SIRC) sends it: one person in one
/// formula position for one office, postulated by a party, coalition, common candidacy or
/// on their own. Its profile (questionnaires, photo, workflow) hangs from its `id`.
public struct Candidacy: Sendable, Hashable, Codable, Identifiable {
    /// The registration system's stable key for the candidacy.
    public var id: String
    /// The `ElectionProcess.id` it belongs to.
    public var processID: String
    /// The `Office.code` it runs for.
    public var officeCode: String
    /// Single-member district number, for offices of scope `district`.
    public var district: Int?
    /// INEGI key of the municipality, for offices of scope `municipality`.
    public var municipality: String?
    /// Formula number or list position (INE's `NUM_LISTA_O_FORMULA`); regidurías and
    /// proportional-representation lists carry one.
    public var listPosition: Int?
    /// Propietaria/o or suplente.
    public var formulaPosition: FormulaPosition
    /// Full name as registered (INE's `NOMBRE_CANDIDATO`).
    public var fullName: String
    /// Gender as registered.
    public var gender: Gender
    /// Age or birth date.
    public var age: CandidateAge
    /// The affirmative action the candidacy was registered under, if any: that group is
    /// public on the profile even without consent.
    public var affirmativeAction: IdentityGroup?
    /// Party, coalition, common candidacy or independent.
    public var postulatingEntity: PostulatingEntity
    /// Approved, substituted or cancelled.
    public var status: CandidacyStatus
    /// For a substitute: the id of the candidacy it replaces.
    public var replacesCandidacyID: String?

    /// Builds a candidacy; optional territorial data and affirmative action default to none
    /// and the status to approved.
    public init(
        id: String,
        processID: String,
        officeCode: String,
        district: Int? = nil,
        municipality: String? = nil,
        listPosition: Int? = nil,
        formulaPosition: FormulaPosition,
        fullName: String,
        gender: Gender,
        age: CandidateAge,
        affirmativeAction: IdentityGroup? = nil,
        postulatingEntity: PostulatingEntity,
        status: CandidacyStatus = .approved,
        replacesCandidacyID: String? = nil
    ) {
        self.id = id
        self.processID = processID
        self.officeCode = officeCode
        self.district = district
        self.municipality = municipality
        self.listPosition = listPosition
        self.formulaPosition = formulaPosition
        self.fullName = fullName
        self.gender = gender
        self.age = age
        self.affirmativeAction = affirmativeAction
        self.postulatingEntity = postulatingEntity
        self.status = status
        self.replacesCandidacyID = replacesCandidacyID
    }

    /// Whether the candidacy was registered under an affirmative action.
    public var isAffirmativeAction: Bool { affirmativeAction != nil }
}
