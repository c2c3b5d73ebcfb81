import Foundation
import Testing
@testable import ConocelesCore

@Suite("Profile lifecycle")
struct ProfileLifecycleTests {
    /// The workflow of DOMAIN.md, written out independently of the implementation:
    /// (from, action) → (to, roles that may do it).
    static let expected: [ProfileState: [ProfileAction: (ProfileState, Set<ActorRole>)]] = [
        .pending: [.startCapture: (.capturing, [.candidate, .representative])],
        .capturing: [.markComplete: (.complete, [.candidate, .representative, .system])],
        .complete: [
            .reopen: (.capturing, [.candidate, .representative, .system]),
            .authorize: (.authorized, [.representative]),
        ],
        .authorized: [
            .reopen: (.capturing, [.candidate, .representative, .system]),
            .verify: (.verified, [.staff]),
            .returnWithObservations: (.returned, [.staff]),
        ],
        .returned: [.resumeCapture: (.capturing, [.candidate, .representative])],
        .verified: [
            // A photo checked after the verification reopens it (photo.check, as the system).
            .reopen: (.capturing, [.candidate, .representative, .system]),
            .publish: (.published, [.staff, .system]),
            .returnWithObservations: (.returned, [.staff]),
        ],
        .published: [.requestModification: (.modificationRequested, [.representative])],
        .modificationRequested: [
            .approveModification: (.modifying, [.staff]),
            .rejectModification: (.published, [.staff]),
        ],
        .modifying: [.submitModification: (.modificationSubmitted, [.representative])],
        .modificationSubmitted: [
            .reverify: (.reverified, [.staff]),
            .returnWithObservations: (.modifying, [.staff]),
        ],
        .reverified: [
            .republish: (.republished, [.staff, .system]),
            .returnWithObservations: (.modifying, [.staff]),
        ],
        .republished: [:],
    ]

    static let complete = CompletenessReport()
    static let incomplete = CompletenessReport(issues: [
        FieldIssue(field: "curricular.photo", label: "Fotografía", code: .missing, message: "Suba una fotografía.")
    ])

    static func actor(_ role: ActorRole) -> ProfileActor { ProfileActor(role: role, id: "cuenta-\(role.rawValue)") }

    @Test("Every action in every state by every role", arguments: ProfileState.allCases, ProfileAction.allCases)
    func everyTransition(state: ProfileState, action: ProfileAction) {
        for role in ActorRole.allCases {
            let outcome = Result { () throws(ProfileTransitionError) in
                try ProfileLifecycle.transition(
                    from: state, action: action, by: Self.actor(role), at: Factories.at,
                    completeness: Self.complete, observations: "Corregir la fotografía.")
            }
            switch (Self.expected[state]?[action], outcome) {
            case (let (to, roles)?, .success(let record)):
                #expect(roles.contains(role), "\(role) should not \(action) in \(state)")
                #expect(record.from == state && record.to == to && record.action == action)
                #expect(record.actor == Self.actor(role) && record.at == Factories.at)
            case ((_, let roles)?, .failure(let error)):
                #expect(!roles.contains(role), "\(role) should \(action) in \(state): \(error)")
                #expect(error.code == .actorNotAllowed)
            case (nil, .success):
                Issue.record("\(action) in \(state) by \(role) should be refused")
            case (nil, .failure(let error)):
                let code: ProfileTransitionError.Code =
                    state == .republished && action == .requestModification ? .modificationExhausted : .transitionNotAllowed
                #expect(error.code == code)
                #expect(error.state == state && error.action == action && error.role == role)
            }
        }
    }

    @Test("The table of the tests and of the code agree on which actions exist")
    func tablesAgree() {
        for state in ProfileState.allCases {
            for action in ProfileAction.allCases {
                #expect(ProfileLifecycle.target(of: action, from: state) == Self.expected[state]?[action]?.0)
            }
        }
        // Every state but the last is left by some action, and every state is reached.
        let reached = Set(Self.expected.values.flatMap { $0.values.map(\.0) })
        #expect(reached == Set(ProfileState.allCases).subtracting([.pending]))
    }

    @Test(
        "Completeness is required to mark complete and to submit a modification",
        arguments: [
            (ProfileState.capturing, ProfileAction.markComplete, ActorRole.system),
            (.modifying, .submitModification, .representative),
        ])
    func completenessRequired(state: ProfileState, action: ProfileAction, role: ActorRole) {
        for report in [Self.incomplete, nil] {
            #expect(throws: ProfileTransitionError.self) {
                try ProfileLifecycle.transition(from: state, action: action, by: Self.actor(role), at: Factories.at, completeness: report)
            }
            do throws(ProfileTransitionError) {
                _ = try ProfileLifecycle.transition(from: state, action: action, by: Self.actor(role), at: Factories.at, completeness: report)
            } catch {
                #expect(error.code == .profileIncomplete)
            }
        }
        do throws(ProfileTransitionError) {
            _ = try ProfileLifecycle.transition(from: state, action: action, by: Self.actor(role), at: Factories.at, completeness: Self.incomplete)
        } catch {
            #expect(error.message == "El perfil no está completo. Falta o es incorrecto 1 dato.")
        }
    }

    @Test(
        "Returning and rejecting need observations",
        arguments: [
            (ProfileState.authorized, ProfileAction.returnWithObservations),
            (.verified, .returnWithObservations),
            (.modificationSubmitted, .returnWithObservations),
            (.reverified, .returnWithObservations),
            (.modificationRequested, .rejectModification),
        ])
    func observationsRequired(state: ProfileState, action: ProfileAction) throws {
        for observations in [nil, "", " \n\t\u{00A0}"] {
            do throws(ProfileTransitionError) {
                _ = try ProfileLifecycle.transition(from: state, action: action, by: Self.actor(.staff), at: Factories.at, observations: observations)
                Issue.record("accepted without observations")
            } catch {
                #expect(error.code == .observationsRequired)
            }
        }
        let record = try ProfileLifecycle.transition(
            from: state, action: action, by: Self.actor(.staff), at: Factories.at,
            observations: "  La foto es de 2019.\n")
        #expect(record.observations == "La foto es de 2019.")
    }

    @Test("The whole way, with a return, one modification and no second one")
    func wholeWay() throws {
        var workflow = ProfileWorkflow()
        let candidate = Self.actor(.candidate), representative = Self.actor(.representative), staff = Self.actor(.staff)
        var time = Factories.at
        func next() -> Date { time = time.addingTimeInterval(60); return time }

        try workflow.apply(.startCapture, by: candidate, at: next())
        try workflow.apply(.markComplete, by: .system("profile.check"), at: next(), completeness: Self.complete)
        try workflow.apply(.authorize, by: representative, at: next())
        try workflow.apply(.returnWithObservations, by: staff, at: next(), observations: "Propuesta incompleta.")
        try workflow.apply(.resumeCapture, by: candidate, at: next())
        try workflow.apply(.markComplete, by: candidate, at: next(), completeness: Self.complete)
        try workflow.apply(.authorize, by: representative, at: next())
        try workflow.apply(.verify, by: staff, at: next())
        try workflow.apply(.publish, by: staff, at: next())
        #expect(workflow.state == .published)
        #expect(!workflow.modificationUsed)

        try workflow.apply(.requestModification, by: representative, at: next())
        try workflow.apply(.rejectModification, by: staff, at: next(), observations: "Sin justificación.")
        #expect(workflow.state == .published)
        #expect(!workflow.modificationUsed, "a rejected request does not use the modification")

        try workflow.apply(.requestModification, by: representative, at: next())
        try workflow.apply(.approveModification, by: staff, at: next())
        try workflow.apply(.submitModification, by: representative, at: next(), completeness: Self.complete)
        try workflow.apply(.reverify, by: staff, at: next())
        try workflow.apply(.republish, by: .system("publication.rebuild"), at: next())
        #expect(workflow.state == .republished)
        #expect(workflow.modificationUsed)

        do throws(ProfileTransitionError) {
            try workflow.apply(.requestModification, by: representative, at: next())
            Issue.record("a second modification was accepted")
        } catch {
            #expect(error.code == .modificationExhausted)
            #expect(error.message == "Este perfil ya se modificó una vez después de publicarse; no admite otra modificación.")
        }
        #expect(workflow.state == .republished, "a refused transition changes nothing")
        #expect(workflow.history.count == 16)
        #expect(zip(workflow.history, workflow.history.dropFirst()).allSatisfy { $0.to == $1.from && $0.at < $1.at })
        #expect(workflow.history[3].observations == "Propuesta incompleta.")
        #expect(workflow.history[1].actor == .system("profile.check"))
    }

    @Test func spanishMessages() {
        do throws(ProfileTransitionError) {
            _ = try ProfileLifecycle.transition(from: .authorized, action: .verify, by: Self.actor(.representative), at: Factories.at)
        } catch {
            #expect(error.message == "Solo la instancia interna puede verificar.")
            #expect(error.description.hasPrefix("actor_not_allowed: "))
        }
        do throws(ProfileTransitionError) {
            _ = try ProfileLifecycle.transition(from: .pending, action: .publish, by: Self.actor(.staff), at: Factories.at)
        } catch {
            #expect(error.message == "No se puede publicar un perfil en estado «Pendiente».")
        }
    }

    @Test func availableActions() {
        #expect(ProfileLifecycle.actions(availableTo: .representative, in: .complete) == [.reopen, .authorize])
        #expect(ProfileLifecycle.actions(availableTo: .staff, in: .authorized) == [.verify, .returnWithObservations])
        #expect(ProfileLifecycle.actions(availableTo: .candidate, in: .published).isEmpty)
        #expect(ProfileLifecycle.actions(availableTo: .representative, in: .republished).isEmpty)
    }

    @Test func recordsAreCodable() throws {
        var workflow = ProfileWorkflow()
        try workflow.apply(.startCapture, by: Self.actor(.candidate), at: Factories.at)
        let data = try JSONEncoder().encode(workflow)
        #expect(try JSONDecoder().decode(ProfileWorkflow.self, from: data) == workflow)
    }
}
