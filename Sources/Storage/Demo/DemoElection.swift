import ConocelesCore
import Foundation

/// A deterministic synthetic election built from a process file: every seat of every
/// office, each party's propietaria/o and suplente, a few substitutions and cancellations,
/// profiles spread over every workflow state, Spanish texts that pass the rules or break
/// one on purpose, identity answers of every kind. The same seed gives the same election.
/// Photos are described in the questionnaires (hash, size, date) but no image files are
/// generated.
public struct DemoElection: Sendable {
    /// The process the election belongs to.
    public let process: ElectionProcess
    /// Catalogs for municipalities and identity answers.
    public let catalogs: Catalogs
    /// The seed.
    public let seed: UInt64
    /// The size.
    public let scale: DemoScale
    let slots: [DemoSlot]

    /// The election of `process` at `scale` for `seed`.
    public init(process: ElectionProcess, catalogs: Catalogs, seed: UInt64, scale: DemoScale) {
        self.process = process
        self.catalogs = catalogs
        self.seed = seed
        self.scale = scale
        self.slots = DemoSlot.all(process: process, municipalities: catalogs.municipalities, scale: scale)
    }

    /// Formula positions to fill (one original candidacy each).
    public var slotCount: Int { slots.count }

    /// Formula positions per office code: seats × parties × 2 (× replicas).
    public var slotsByOffice: [String: Int] {
        slots.reduce(into: [:]) { $0[$1.office.code, default: 0] += 1 }
    }

    /// Share of profiles per target state, in `ProfileState.allCases` order.
    static let stateWeights = [10, 18, 7, 7, 5, 7, 26, 3, 3, 3, 2, 4]

    /// The profiles of the slots in `range`: the original candidacy of each slot and, for a
    /// substituted one, its substitute.
    func profiles(forSlotsIn range: Range<Int>) throws -> [DemoProfile] {
        try slots[range].flatMap { try profiles(for: $0) }
    }

    /// The candidacies of the slots in `range`, every one approved and its profile published
    /// (the portal benchmark's snapshot: no withdrawals, no profile in another state).
    func publishedProfiles(forSlotsIn range: Range<Int>) throws -> [DemoProfile] {
        try slots[range].map { slot in
            var random = random(for: slot, salt: 1)
            var formula = DemoRandom(seed: seed &+ 2, stream: UInt64(slot.index / 2))
            let gender: Gender = formula.chance(0.01) ? .nonBinary : formula.chance(0.5) ? .woman : .man
            let registeredAt = process.publicationDate.addingDays(-50).startInUTC
            return try profile(
                for: slot, id: slot.candidacyID, gender: gender, registeredAt: registeredAt, replaces: nil,
                random: &random, state: .published)
        }
    }

    private func random(for slot: DemoSlot, salt: UInt64) -> DemoRandom {
        DemoRandom(seed: seed &+ salt, stream: UInt64(slot.index))
    }

    private func profiles(for slot: DemoSlot) throws -> [DemoProfile] {
        var random = random(for: slot, salt: 1)
        // Both members of a formula share gender (paridad): draw it from the formula.
        var formula = DemoRandom(seed: seed &+ 2, stream: UInt64(slot.index / 2))
        let gender: Gender = formula.chance(0.01) ? .nonBinary : formula.chance(0.5) ? .woman : .man
        let base = process.publicationDate.addingDays(-50).startInUTC
        let registeredAt = base.addingTimeInterval(Double(Int.random(in: 0..<(10 * 86_400), using: &random)))
        let original = try profile(for: slot, id: slot.candidacyID, gender: gender, registeredAt: registeredAt, replaces: nil, random: &random)
        let roll = Double.random(in: 0..<1, using: &random)
        guard roll < 0.02 else { return [original] }
        // Withdrawn: 3 in 4 substituted by a new person, the rest cancelled.
        var withdrawn = try profile(
            for: slot, id: slot.candidacyID, gender: gender, registeredAt: registeredAt, replaces: nil,
            random: &random, state: random.chance(0.5) ? .pending : .capturing)
        withdrawn.withdrawnAt = withdrawn.lastActivity.addingTimeInterval(86_400)
        guard roll < 0.015 else {
            withdrawn.candidacy.status = .cancelled
            return [withdrawn]
        }
        withdrawn.candidacy.status = .substituted
        let substitute = try profile(
            for: slot, id: slot.candidacyID + "-S1", gender: gender,
            registeredAt: withdrawn.withdrawnAt!, replaces: slot.candidacyID, random: &random)
        return [withdrawn, substitute]
    }

    private func profile(
        for slot: DemoSlot, id: String, gender: Gender, registeredAt: Date, replaces: String?,
        random: inout DemoRandom, state chosen: ProfileState? = nil
    ) throws -> DemoProfile {
        let group: IdentityGroup? = random.chance(0.07) ? random.pick(IdentityGroup.allCases) : nil
        let age =
            group == .youth
            ? Int.random(in: 21...29, using: &random)
            : group == .olderPerson ? Int.random(in: 60...78, using: &random) : Int.random(in: 25...70, using: &random)
        let names = gender == .woman ? DemoTexts.givenNamesWomen : gender == .man ? DemoTexts.givenNamesMen : DemoTexts.givenNamesNonBinary
        let given = random.pick(names), first = random.pick(DemoTexts.surnames), second = random.pick(DemoTexts.surnames)
        let candidacy = Candidacy(
            id: id, processID: process.id, officeCode: slot.office.code, district: slot.district,
            municipality: slot.municipality?.key, listPosition: slot.listPosition, formulaPosition: slot.position,
            fullName: "\(given) \(first) \(second)", gender: gender,
            age: random.chance(0.5) ? .years(age) : .birthDate(process.electionDay.addingDays(-(age * 365 + Int.random(in: 10...300, using: &random)))),
            affirmativeAction: group, postulatingEntity: .party(code: slot.party.code), replacesCandidacyID: replaces)
        let state = chosen ?? ProfileState.allCases[random.weighted(Self.stateWeights)]
        let handle = id.lowercased()
        var profile = DemoProfile(
            candidacy: candidacy, accountID: DemoActors.uuid(&random), username: handle,
            email: "\(given.folding(options: .diacriticInsensitive, locale: nil).lowercased()).\(handle)@conoceles.example",
            state: state, history: [], curricular: nil, passesRules: nil, identity: nil, consentGranted: nil,
            registeredAt: registeredAt)
        try fill(&profile, slot: slot, age: age, random: &random)
        return profile
    }

    /// Questionnaires, consent and the workflow history that leads to the profile's state.
    private func fill(_ profile: inout DemoProfile, slot: DemoSlot, age: Int, random: inout DemoRandom) throws {
        guard profile.state != .pending else { return }
        let flaw: DemoQuestionnaires.Flaw? =
            profile.state == .capturing && random.chance(0.6)
            ? random.pick(DemoQuestionnaires.Flaw.allCases) : nil
        let curricular = DemoQuestionnaires.curricular(for: slot, publication: process.publicationDate, flaw: flaw, random: &random)
        let identity =
            profile.state == .capturing && random.chance(0.4)
            ? nil
            : DemoQuestionnaires.identity(catalogs: catalogs, age: age, random: &random)
        let report = ProfileCompleteness.check(
            privacyNoticeAccepted: true, curricular: curricular, identity: identity, candidacy: profile.candidacy,
            catalogs: catalogs, photoReferenceDate: process.publicationDate)
        profile.curricular = curricular
        profile.passesRules = report.issues.allSatisfy { !$0.field.hasPrefix("curricular.") }
        profile.identity = identity
        profile.consentGranted = identity.map { _ in random.chance(0.4) }
        var workflow = ProfileWorkflow()
        var clock = profile.registeredAt
        let candidate = ProfileActor(role: .candidate, id: profile.accountID.uuidString)
        let representative = ProfileActor(role: .representative, id: DemoActors.representative(of: slot.party, replica: slot.replica).uuidString)
        let staff = ProfileActor(role: .staff, id: DemoActors.transparency.uuidString)
        for action in Self.path(to: profile.state, returnFirst: random.chance(0.2)) {
            clock.addTimeInterval(Double(Int.random(in: 3_600...(72 * 3_600), using: &random)))
            let actor =
                switch ProfileLifecycle.roles(allowedFor: action) {
                case let roles where roles.contains(.candidate): random.chance(0.7) ? candidate : representative
                case let roles where roles.contains(.representative): representative
                default: staff
                }
            let observations =
                ProfileLifecycle.requiresObservations(action)
                ? "Revise la redacción de la trayectoria política: incluya fechas y el nombre de las organizaciones." : nil
            try workflow.apply(action, by: actor, at: clock, completeness: report, observations: observations)
        }
        profile.history = workflow.history
    }

    /// The actions that take a new profile to `state` (optionally through one return with
    /// observations before the first verification).
    static func path(to state: ProfileState, returnFirst: Bool) -> [ProfileAction] {
        let review: [ProfileAction] =
            returnFirst
            ? [.markComplete, .authorize, .returnWithObservations, .resumeCapture, .markComplete, .authorize]
            : [.markComplete, .authorize]
        let main: [ProfileAction] =
            [.startCapture] + review + [
                .verify, .publish, .requestModification, .approveModification,
                .submitModification, .reverify, .republish,
            ]
        switch state {
        case .pending: return []
        case .capturing: return [.startCapture]
        case .returned: return [.startCapture, .markComplete, .authorize, .returnWithObservations]
        case .complete: return [.startCapture, .markComplete]
        case .authorized: return Array(main.prefix(1 + review.count))
        default:
            let target = main.firstIndex { ProfileLifecycle.target(of: $0, from: .pending) == nil && Self.lands($0, on: state) }!
            return Array(main.prefix(through: target))
        }
    }

    /// Whether `action` is the one that leads to `state` in the main path.
    private static func lands(_ action: ProfileAction, on state: ProfileState) -> Bool {
        switch (action, state) {
        case (.verify, .verified), (.publish, .published), (.requestModification, .modificationRequested),
            (.approveModification, .modifying), (.submitModification, .modificationSubmitted),
            (.reverify, .reverified), (.republish, .republished):
            true
        default: false
        }
    }
}
