import ConocelesCore

/// The curricular questionnaire as lines of text for staff: one per field, with its Spanish
/// label, so that two versions can be compared field by field.
struct CurricularFields {
    /// One field: the questionnaire's top-level JSON key it belongs to, its label and its text.
    struct Line: Equatable {
        let key: String
        let label: String
        let text: String
    }

    let rules: ValidationRules

    /// Spanish labels of the questionnaire's top-level keys (the audit log names these).
    static let keyLabels: [String: String] = [
        "photo": CurricularQuestionnaire.Field.photo.label,
        "contact": "Medios de contacto públicos",
        "maximumDegree": CurricularQuestionnaire.Field.maximumDegree.label,
        "degreeStatus": CurricularQuestionnaire.Field.degreeStatus.label,
        "otherTraining": "Otra formación académica",
        "professionalHistory": CurricularQuestionnaire.Field.professionalHistory.label,
        "politicalTrajectory": CurricularQuestionnaire.Field.politicalTrajectory.label,
        "publicOfficeMotivation": CurricularQuestionnaire.Field.publicOfficeMotivation.label,
        "firstProposal": CurricularQuestionnaire.Field.firstProposal.label,
        "secondProposal": CurricularQuestionnaire.Field.secondProposal.label,
        "genderProposal": CurricularQuestionnaire.Field.genderProposal.label,
        "publicationAuthorization": CurricularQuestionnaire.Field.publicationAuthorization.label,
    ]

    /// Every field of `q`, in the order of the form.
    func lines(_ q: CurricularQuestionnaire) -> [Line] {
        let c = q.contact
        var lines: [Line] = [
            Line(key: "photo", label: CurricularQuestionnaire.Field.photo.label, text: photoText(q.photo)),
            Line(key: "maximumDegree", label: CurricularQuestionnaire.Field.maximumDegree.label,
                 text: name(of: q.maximumDegree, in: rules.educationLevels)),
            Line(key: "degreeStatus", label: CurricularQuestionnaire.Field.degreeStatus.label,
                 text: name(of: q.degreeStatus, in: rules.educationStatuses)),
            Line(key: "otherTraining", label: "Otra formación académica", text: q.otherTraining.joined(separator: "\n")),
            Line(key: "professionalHistory", label: CurricularQuestionnaire.Field.professionalHistory.label, text: q.professionalHistory),
            Line(key: "politicalTrajectory", label: CurricularQuestionnaire.Field.politicalTrajectory.label, text: q.politicalTrajectory),
            Line(key: "publicOfficeMotivation", label: CurricularQuestionnaire.Field.publicOfficeMotivation.label,
                 text: q.publicOfficeMotivation),
            Line(key: "firstProposal", label: CurricularQuestionnaire.Field.firstProposal.label, text: q.firstProposal),
            Line(key: "secondProposal", label: CurricularQuestionnaire.Field.secondProposal.label, text: q.secondProposal),
            Line(key: "genderProposal", label: CurricularQuestionnaire.Field.genderProposal.label, text: q.genderProposal),
        ]
        for network in SocialNetwork.allCases {
            lines.append(Line(key: "contact", label: network.label, text: c.address(of: network) ?? ""))
        }
        lines += [
            Line(key: "contact", label: PublicContact.Field.webPage.label, text: c.webPage ?? ""),
            Line(key: "contact", label: "Correos electrónicos públicos", text: c.emails.joined(separator: "\n")),
            Line(key: "contact", label: "Teléfonos públicos de contacto", text: c.phones.joined(separator: "\n")),
            Line(key: "contact", label: "Domicilios de casas de campaña", text: c.campaignHouseAddresses.joined(separator: "\n")),
            Line(key: "publicationAuthorization", label: CurricularQuestionnaire.Field.publicationAuthorization.label,
                 text: q.publicationAuthorization.map { $0 ? "Sí" : "No" } ?? ""),
        ]
        return lines
    }

    func name(of key: String?, in catalog: [CatalogEntry]) -> String {
        guard let key else { return "" }
        return catalog.first { $0.key == key }?.name ?? key
    }

    func photoText(_ photo: PhotoReference?) -> String {
        guard let photo else { return "" }
        let taken = photo.takenOn.map { " tomada el \($0)" } ?? ""
        return "\(photo.format.rawValue.uppercased()), \(photo.byteCount / 1_024) KB\(taken) (\(photo.sha256.prefix(12)))"
    }
}
