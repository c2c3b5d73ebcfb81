/// The limits the questionnaires are checked against, with the defaults of the rules
/// (Anexo 24.2 as the work plan restates it). An electoral body may change any of them in
/// its process file; decoding fills every key that is absent with its default, so a
/// configuration names only what it changes (keys in snake_case).
public struct ValidationRules: Sendable, Hashable, Codable {
    /// Historia profesional y/o laboral: 280 to 5,000.
    public var professionalHistory: LengthRule
    /// Trayectoria política y/o participación social: 280 to 5,000.
    public var politicalTrajectory: LengthRule
    /// ¿Por qué quiere ocupar un cargo público?: 280 to 5,000.
    public var publicOfficeMotivation: LengthRule
    /// Each of the two main proposals: 280 to 1,600.
    public var proposal: LengthRule
    /// Propuesta en materia de género o del grupo en situación de discriminación: 280 to 1,600.
    public var genderProposal: LengthRule
    /// Each entry of "Otra formación académica": at most 250.
    public var otherTrainingEntry: LengthRule
    /// Largest accepted photo, in bytes (default 716,800: the plan's "700 KB" with KB = 1,024
    /// bytes, as `PhotoPolicy` reads it). One setting decides it for every path (upload,
    /// `photo.check`, completeness, the pages' wording, `conoceles photo check`):
    /// `photo.max_bytes` of `config/conoceles.yaml`, which `ProcessLoader.load(configuration:)`
    /// copies here; a process file may not set it.
    public var photoMaximumBytes: Int
    /// A photo may be taken at most this many months before publication (default 3).
    public var photoMaximumAgeMonths: Int
    /// Catalog of maximum degrees of study (key, Spanish name).
    public var educationLevels: [CatalogEntry]
    /// Catalog of statuses of the maximum degree.
    public var educationStatuses: [CatalogEntry]
    /// Degree keys that take no status (default: "sin_estudios").
    public var educationLevelsWithoutStatus: [String]

    /// The defaults of the rules.
    public static let `default` = ValidationRules()

    /// Rules with the given values; every parameter defaults to the rules' default.
    public init(
        professionalHistory: LengthRule = LengthRule(minimum: 280, maximum: 5_000),
        politicalTrajectory: LengthRule = LengthRule(minimum: 280, maximum: 5_000),
        publicOfficeMotivation: LengthRule = LengthRule(minimum: 280, maximum: 5_000),
        proposal: LengthRule = LengthRule(minimum: 280, maximum: 1_600),
        genderProposal: LengthRule = LengthRule(minimum: 280, maximum: 1_600),
        otherTrainingEntry: LengthRule = LengthRule(minimum: nil, maximum: 250),
        photoMaximumBytes: Int = 716_800,
        photoMaximumAgeMonths: Int = 3,
        educationLevels: [CatalogEntry] = ValidationRules.defaultEducationLevels,
        educationStatuses: [CatalogEntry] = ValidationRules.defaultEducationStatuses,
        educationLevelsWithoutStatus: [String] = ["sin_estudios"]
    ) {
        self.professionalHistory = professionalHistory
        self.politicalTrajectory = politicalTrajectory
        self.publicOfficeMotivation = publicOfficeMotivation
        self.proposal = proposal
        self.genderProposal = genderProposal
        self.otherTrainingEntry = otherTrainingEntry
        self.photoMaximumBytes = photoMaximumBytes
        self.photoMaximumAgeMonths = photoMaximumAgeMonths
        self.educationLevels = educationLevels
        self.educationStatuses = educationStatuses
        self.educationLevelsWithoutStatus = educationLevelsWithoutStatus
    }

    /// Default catalog of maximum degrees of study.
    public static let defaultEducationLevels: [CatalogEntry] = [
        CatalogEntry(key: "sin_estudios", name: "Sin estudios"),
        CatalogEntry(key: "primaria", name: "Primaria"),
        CatalogEntry(key: "secundaria", name: "Secundaria"),
        CatalogEntry(key: "bachillerato", name: "Bachillerato/Preparatoria"),
        CatalogEntry(key: "carrera_tecnica", name: "Carrera técnica"),
        CatalogEntry(key: "licenciatura", name: "Licenciatura"),
        CatalogEntry(key: "especialidad", name: "Especialidad"),
        CatalogEntry(key: "maestria", name: "Maestría"),
        CatalogEntry(key: "doctorado", name: "Doctorado"),
    ]

    /// Default catalog of statuses of the maximum degree.
    public static let defaultEducationStatuses: [CatalogEntry] = [
        CatalogEntry(key: "concluido", name: "Concluido/Título"),
        CatalogEntry(key: "certificado", name: "Certificado"),
        CatalogEntry(key: "cedula", name: "Cédula"),
        CatalogEntry(key: "en_curso", name: "En curso"),
        CatalogEntry(key: "trunco", name: "Trunco"),
    ]

    private enum CodingKeys: String, CodingKey {
        case professionalHistory = "professional_history"
        case politicalTrajectory = "political_trajectory"
        case publicOfficeMotivation = "public_office_motivation"
        case proposal
        case genderProposal = "gender_proposal"
        case otherTrainingEntry = "other_training_entry"
        case photoMaximumBytes = "photo_maximum_bytes"
        case photoMaximumAgeMonths = "photo_maximum_age_months"
        case educationLevels = "education_levels"
        case educationStatuses = "education_statuses"
        case educationLevelsWithoutStatus = "education_levels_without_status"
    }

    /// Decodes rules, taking the default for every absent key.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ValidationRules()
        self.init(
            professionalHistory: try c.decodeIfPresent(LengthRule.self, forKey: .professionalHistory) ?? d.professionalHistory,
            politicalTrajectory: try c.decodeIfPresent(LengthRule.self, forKey: .politicalTrajectory) ?? d.politicalTrajectory,
            publicOfficeMotivation: try c.decodeIfPresent(LengthRule.self, forKey: .publicOfficeMotivation) ?? d.publicOfficeMotivation,
            proposal: try c.decodeIfPresent(LengthRule.self, forKey: .proposal) ?? d.proposal,
            genderProposal: try c.decodeIfPresent(LengthRule.self, forKey: .genderProposal) ?? d.genderProposal,
            otherTrainingEntry: try c.decodeIfPresent(LengthRule.self, forKey: .otherTrainingEntry) ?? d.otherTrainingEntry,
            photoMaximumBytes: try c.decodeIfPresent(Int.self, forKey: .photoMaximumBytes) ?? d.photoMaximumBytes,
            photoMaximumAgeMonths: try c.decodeIfPresent(Int.self, forKey: .photoMaximumAgeMonths) ?? d.photoMaximumAgeMonths,
            educationLevels: try c.decodeIfPresent([CatalogEntry].self, forKey: .educationLevels) ?? d.educationLevels,
            educationStatuses: try c.decodeIfPresent([CatalogEntry].self, forKey: .educationStatuses) ?? d.educationStatuses,
            educationLevelsWithoutStatus: try c.decodeIfPresent([String].self, forKey: .educationLevelsWithoutStatus)
                ?? d.educationLevelsWithoutStatus
        )
    }

    /// Whether a photo of `bytes` is too large: more than `photoMaximumBytes`.
    public func photoIsTooLarge(bytes: Int) -> Bool { bytes > photoMaximumBytes }

    /// The Spanish refusal of a photo of `bytes` over the limit: word for word what the
    /// upload and `conoceles photo check` say (`PhotoRefusal.tooLarge`; KB of 1,024 bytes,
    /// rounded up), so a photo is refused everywhere with the same message.
    public func photoTooLargeMessage(bytes: Int) -> String {
        "El archivo pesa \((bytes + 1_023) / 1_024) KB y el máximo permitido es \(photoMaximumBytes / 1_024) KB. "
            + "Reduzca la resolución o la calidad de la foto."
    }

    /// Problems that make these rules unusable (a minimum above its maximum, a
    /// non-positive limit, an empty catalog), each naming its key; empty when valid.
    /// Configuration loading calls it at start-up.
    public func problems() -> [String] {
        var found: [String] = []
        let lengths: [(String, LengthRule)] = [
            ("professional_history", professionalHistory), ("political_trajectory", politicalTrajectory),
            ("public_office_motivation", publicOfficeMotivation), ("proposal", proposal),
            ("gender_proposal", genderProposal), ("other_training_entry", otherTrainingEntry),
        ]
        for (key, rule) in lengths {
            if rule.maximum < 1 { found.append("\(key).maximum debe ser mayor que cero") }
            if let minimum = rule.minimum, minimum < 0 || minimum > rule.maximum {
                found.append("\(key).minimum debe estar entre 0 y el máximo")
            }
        }
        if photoMaximumBytes < 1 { found.append("photo_maximum_bytes debe ser mayor que cero") }
        if photoMaximumAgeMonths < 1 { found.append("photo_maximum_age_months debe ser mayor que cero") }
        if educationLevels.isEmpty { found.append("education_levels no puede estar vacío") }
        if educationStatuses.isEmpty { found.append("education_statuses no puede estar vacío") }
        return found
    }
}
