import ConocelesCore

/// What `publico/mi-boleta` reads: the form's options and errors and, once both are chosen, the ballot.
struct BallotView {
    struct Errors {
        var municipality: String?
        var district: String?
        var isEmpty: Bool { municipality == nil && district == nil }
    }

    /// One office of the ballot and its candidacies in display order.
    struct OfficeView {
        struct Candidate {
            let name: String
            let href: String
            let entity: String
            let position: String
            let formula: String
            let noInformation: String?
        }

        let id: String
        let name: String
        let candidates: [Candidate]
        let hasCandidates: Bool
        let showsPosition: Bool

        init(office: Office, profiles: [PublishedProfile]) {
            id = "cargo-\(office.code.lowercased())"
            name = office.name
            candidates = profiles.map { profile in
                Candidate(
                    name: profile.fullName, href: "/perfil/\(queryValue(profile.id))", entity: profile.entityName,
                    position: profile.listPosition.map { "\($0)" } ?? "", formula: profile.formulaPosition.label,
                    noInformation: profile.hasProfile ? nil : PublishedProfile.noInformationMark)
            }
            hasCandidates = !profiles.isEmpty
            showsPosition = profiles.contains { $0.listPosition != nil }
        }
    }

    let municipalities: [OptionView]
    let districts: [OptionView]
    let errors: Errors
    /// "Guadalajara, distrito local 9" once both are chosen.
    let place: String?
    let offices: [OfficeView]
}
