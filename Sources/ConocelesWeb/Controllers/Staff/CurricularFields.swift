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
    static let keyLabels = CurricularField.storageKeyLabels

    /// Every field of `q`, in the order of `CurricularField.all`.
    func lines(_ q: CurricularQuestionnaire) -> [Line] {
        CurricularField.all.map { entry in Line(key: entry.storageKey, label: entry.listLabel, text: text(of: entry, in: q)) }
    }

    /// The text of one field of `q` as staff read it (catalog keys by their names, one list entry per line).
    func text(of entry: CurricularField, in q: CurricularQuestionnaire) -> String {
        let c = q.contact
        switch entry.kind {
        case .text(let text): return q[keyPath: text.answer]
        case .photo: return photoText(q.photo)
        case .network(let network): return c.address(of: network) ?? ""
        case .webPage: return c.webPage ?? ""
        case .emails: return c.emails.joined(separator: "\n")
        case .phones: return c.phones.joined(separator: "\n")
        case .campaignHouseAddresses: return c.campaignHouseAddresses.joined(separator: "\n")
        case .maximumDegree: return name(of: q.maximumDegree, in: rules.educationLevels)
        case .degreeStatus: return name(of: q.degreeStatus, in: rules.educationStatuses)
        case .otherTraining: return q.otherTraining.joined(separator: "\n")
        case .publicationAuthorization: return q.publicationAuthorization.map { $0 ? "Sí" : "No" } ?? ""
        }
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
