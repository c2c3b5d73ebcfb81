import ConocelesCore
import Crypto
import Foundation

/// Questionnaire answers for the demo: curricular texts that pass the rules or fail one
/// on purpose, and identity answers with every kind of answer (Sí with follow-ups, No,
/// Prefiero no contestar, Otro with text).
enum DemoQuestionnaires {
    /// The ways a demo profile breaks a rule on purpose, with what the candidate would read.
    enum Flaw: CaseIterable {
        case oneCharacterShort, proposalTooLong, wrongNetwork, badPhone, oldPhoto, missingGenderProposal
    }

    static func curricular(for slot: DemoSlot, publication: LocalDate, flaw: Flaw?, random: inout DemoRandom) -> CurricularQuestionnaire {
        let place = slot.placeName, office = slot.office.name
        func text(_ pool: [String], _ range: ClosedRange<Int>) -> String {
            DemoTexts.paragraph(pool, atLeast: Int.random(in: range, using: &random), place: place, office: office, random: &random)
        }
        let levels = ValidationRules.default.educationLevels.map(\.key)
        let degree = levels[min(levels.count - 1, 3 + random.weighted([1, 1, 2, 6, 2, 12, 3, 4, 1]))]
        let status =
            ValidationRules.default.educationLevelsWithoutStatus.contains(degree)
            ? nil
            : random.pick(ValidationRules.default.educationStatuses.map(\.key))
        let handle = String(slot.candidacyID.lowercased().filter { $0.isLetter || $0.isNumber })
        var answers = CurricularQuestionnaire(
            photo: PhotoReference(
                sha256: Data(SHA256.hash(data: Data(slot.candidacyID.utf8))).hexString,
                byteCount: Int.random(in: 120_000...690_000, using: &random), format: random.chance(0.8) ? .jpeg : .png,
                takenOn: publication.addingDays(-Int.random(in: 5...80, using: &random)),
                takenOnSource: random.chance(0.7) ? .exif : .declared),
            contact: PublicContact(
                facebook: random.chance(0.8) ? "https://www.facebook.com/\(handle)" : nil,
                twitter: random.chance(0.5) ? "https://x.com/\(handle.prefix(15))" : nil,
                instagram: random.chance(0.4) ? "https://www.instagram.com/\(handle)" : nil,
                tiktok: random.chance(0.2) ? "https://www.tiktok.com/@\(handle)" : nil,
                webPage: random.chance(0.3) ? "https://\(handle).mx" : nil,
                emails: random.chance(0.7) ? ["contacto.\(handle)@conoceles.example"] : [],
                phones: random.chance(0.6) ? ["33 \(Int.random(in: 1000...9999, using: &random)) \(Int.random(in: 1000...9999, using: &random))"] : [],
                campaignHouseAddresses: random.chance(0.5)
                    ? ["\(random.pick(DemoTexts.streets)) \(Int.random(in: 1...2500, using: &random)), \(place), Jalisco"] : []),
            maximumDegree: degree, degreeStatus: status,
            otherTraining: (0..<Int.random(in: 0...3, using: &random)).map { _ in random.pick(DemoTexts.courses) },
            professionalHistory: text(DemoTexts.professional, 300...1_400),
            politicalTrajectory: text(DemoTexts.political, 300...1_200),
            publicOfficeMotivation: text(DemoTexts.motivation, 300...900),
            firstProposal: text(DemoTexts.proposals, 300...1_000),
            secondProposal: text(DemoTexts.proposals, 300...1_000),
            genderProposal: text(DemoTexts.gender, 300...900),
            publicationAuthorization: true)
        switch flaw {
        case .oneCharacterShort?: answers.professionalHistory = truncated(answers.professionalHistory, to: 279)
        case .proposalTooLong?: answers.firstProposal = text(DemoTexts.proposals, 1_650...1_800)
        case .wrongNetwork?: answers.contact.twitter = "https://www.facebook.com/\(handle)"
        case .badPhone?: answers.contact.phones = ["33-12-34"]
        case .oldPhoto?: answers.photo?.takenOn = publication.addingDays(-150)
        case .missingGenderProposal?: answers.genderProposal = ""
        case nil: break
        }
        return answers
    }

    /// `text` cut after its `count`-th non-white-space character.
    static func truncated(_ text: String, to count: Int) -> String {
        var result = "", seen = 0
        for character in text where seen < count {
            result.append(character)
            if !character.isWhitespace { seen += 1 }
        }
        return result
    }

    static func identity(catalogs: Catalogs, age: Int, random: inout DemoRandom) -> IdentityQuestionnaire {
        func yesNo(_ yes: Double) -> YesNoAnswer {
            let roll = Double.random(in: 0..<1, using: &random)
            return roll < yes ? .yes : roll < 0.93 ? .no : .preferNotToAnswer
        }
        func some<T: ChoiceOption>(_ type: T.Type) -> [T] {
            let options = T.allCases.filter { !$0.isPreferNotToAnswer && !$0.asksForText }
            return [random.pick(Array(options))]
        }
        let indigenous = yesNo(0.08), disability = yesNo(0.05), diversity = yesNo(0.06), migrant = yesNo(0.03)
        let peoples = catalogs.indigenousPeoples.entries.map(\.key), countries = catalogs.countries.entries.map(\.key)
        let states = catalogs.states.entries.map(\.key)
        let questionnaire = IdentityQuestionnaire(
            indigenous: IndigenousSection(
                identifiesAsIndigenous: indigenous, speaksIndigenousLanguage: yesNo(0.05),
                people: indigenous == .yes
                    ? .answered(
                        random.chance(0.1)
                            ? .other(text: "Comunidad coca de Mezcala") : peoples.isEmpty ? .preferNotToAnswer : .entry(key: random.pick(peoples)))
                    : nil),
            disability: DisabilitySection(
                hasDisability: disability,
                duration: disability == .yes ? .answered(Choice(random.chance(0.8) ? .permanent : .temporary)) : nil,
                types: disability == .yes ? .answered(MultipleChoice(some(DisabilitySection.Kind.self))) : nil,
                difficulties: disability == .yes ? .answered(MultipleChoice(some(DisabilitySection.Difficulty.self))) : nil),
            afroMexican: yesNo(0.02),
            sexualDiversity: SexualDiversitySection(
                isLGBTTTIQ: diversity,
                identity: diversity == .yes
                    ? .answered(
                        random.chance(0.1)
                            ? Choice(.other, otherText: "Persona pansexual")
                            : Choice(random.pick(Array(some(SexualDiversitySection.Identity.self))))) : nil),
            migrant: MigrantSection(
                isMigrant: migrant,
                countryOfResidence: migrant == .yes ? .answered(countries.isEmpty ? .preferNotToAnswer : .entry(key: random.pick(countries))) : nil,
                timeAbroad: migrant == .yes ? .answered(Choice(random.pick(Array(some(MigrantSection.TimeAbroad.self))))) : nil,
                reason: migrant == .yes ? .answered(Choice(.work)) : nil,
                hadRegularPlacement: migrant == .yes ? .answered(yesNo(0.5)) : nil),
            youth: (21...29).contains(age) ? .yes : .no,
            olderPerson: age >= 60 ? .yes : random.chance(0.02) ? .preferNotToAnswer : .no,
            socioeconomic: SocioeconomicSection(
                incomeBracket: Choice(random.pick(Array(SocioeconomicSection.IncomeBracket.allCases))),
                incomeSource: Choice(random.pick(Array(SocioeconomicSection.IncomeSource.allCases)))),
            stateOfBirth: states.isEmpty || random.chance(0.03) ? .preferNotToAnswer : .entry(key: random.chance(0.85) ? "14" : random.pick(states)))
        return questionnaire.normalized()
    }
}
