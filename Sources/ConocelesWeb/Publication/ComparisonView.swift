import ConocelesCore

/// The comparison table: one column per candidacy, one row per field.
struct ComparisonView {
    struct Column {
        let name: String
        let href: String
        let photo: String?
        let photoAlt: String
    }

    struct Row {
        let label: String
        let cells: [String]
    }

    let office: String
    let columns: [Column]
    let rows: [Row]

    init(_ profiles: [PublishedProfile]) {
        office = profiles.first?.officeName ?? ""
        columns = profiles.map { profile in
            Column(
                name: profile.fullName, href: "/perfil/\(queryValue(profile.id))",
                photo: profile.photo == nil ? nil : "/perfil/\(queryValue(profile.id))/foto.jpg", photoAlt: "Fotografía de \(profile.fullName)")
        }
        let missing = PublishedProfile.noInformationMark
        func row(_ label: String, _ value: (PublishedProfile) -> String?) -> Row {
            Row(
                label: label,
                cells: profiles.map { profile in
                    guard profile.hasProfile else { return missing }
                    return value(profile).flatMap { $0.isBlank ? nil : $0 } ?? PublicationRules.notProvided
                })
        }
        let texts = CurricularField.texts.compactMap { entry -> Row? in
            guard let text = entry.text, let label = entry.publicLabel else { return nil }
            return row(label) { $0.curricular?[keyPath: text.published] }
        }
        rows =
            [
                Row(label: "Postula", cells: profiles.map(\.entityName)),
                Row(label: "Territorio", cells: profiles.map { PortalText.territory($0) ?? "Todo el estado" }),
                Row(label: "Calidad", cells: profiles.map(\.formulaPosition.label)),
                row("Sexo") { $0.gender?.label },
                row("Edad") { $0.ageYears.map { "\($0) años" } },
                row("Grado máximo de estudios") { $0.curricular?.education },
                row("Estatus de los estudios") { $0.curricular?.educationStatus },
                row("Otra formación") { $0.curricular?.otherTraining.joined(separator: "; ") },
            ] + texts + [
                row("Página de internet") { $0.curricular?.contact.webPage }
            ]
    }
}
