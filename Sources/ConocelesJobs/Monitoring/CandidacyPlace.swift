import ConocelesCore

/// How reminders and reports name a candidacy's position: office, territory (the
/// municipality by its catalog name when known), list place and formula position —
/// "Regiduría, Guadalajara, lugar 3 (suplente)".
struct CandidacyPlace {
    let process: ElectionProcess
    /// The process's municipalities; their keys are shown when nil or unknown.
    let municipalities: Catalog?

    func describe(_ candidacy: Candidacy) -> String {
        var text = process.office(code: candidacy.officeCode)?.name ?? candidacy.officeCode
        if let district = candidacy.district { text += ", distrito \(district)" }
        if let key = candidacy.municipality { text += ", " + (municipalities?.entry(forKey: key)?.name ?? "municipio \(key)") }
        if let position = candidacy.listPosition { text += ", lugar \(position)" }
        return text + " (\(candidacy.formulaPosition.label.lowercased()))"
    }
}
