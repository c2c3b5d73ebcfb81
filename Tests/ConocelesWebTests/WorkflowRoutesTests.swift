import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobQueue
import Storage
import Testing
import TestSupport

/// The table of docs/WORKFLOW.md held to the code: every workflow action a person takes has
/// a route that applies it, every such route exists, and each explicit route, posted by its
/// role on a profile in the action's starting state, moves the profile where the lifecycle
/// says. (The automatic actions of a save are walked by CaptureTests; the modification's
/// sending by ModificationFlowTests, since it needs a really complete profile.)
@Suite("Workflow: every person's transition has a route that applies it")
struct WorkflowRoutesTests {
    /// The routes that apply each action (a save applies the automatic ones).
    static let saves = [
        "POST /candidaturas/{id}/aviso", "POST /candidaturas/{id}/curricular",
        "POST /candidaturas/{id}/identidad", "POST /candidaturas/{id}/foto", "POST /candidaturas/carga",
    ]
    static let routes: [ProfileAction: [String]] = [
        .startCapture: saves, .markComplete: saves, .reopen: saves, .resumeCapture: saves,
        .authorize: ["POST /candidaturas/{id}/autorizar", "POST /candidaturas/autorizar"],
        .requestModification: ["POST /candidaturas/{id}/modificacion"],
        .submitModification: ["POST /candidaturas/{id}/modificacion/enviar"],
        .verify: ["POST /instancia/candidaturas/{id}/verificar"],
        .reverify: ["POST /instancia/candidaturas/{id}/verificar"],
        .returnWithObservations: ["POST /instancia/candidaturas/{id}/devolver"],
        .approveModification: ["POST /instancia/modificaciones/{id}/aprobar"],
        .rejectModification: ["POST /instancia/modificaciones/{id}/rechazar"],
        .publish: ["POST /instancia/candidaturas/{id}/publicar", "POST /instancia/candidaturas/{id}/verificar"],
        .republish: ["POST /instancia/candidaturas/{id}/publicar", "POST /instancia/candidaturas/{id}/verificar"],
    ]

    @Test func everyActionAPersonTakesHasARouteThatExists() async throws {
        let people: Set<ActorRole> = [.candidate, .representative, .staff]
        try await TestDatabase.with { db in
            let router = WebApplication.buildRouter(context: testContext(db, try jalisco()))
            let existing = Set(router.routes.map { "\($0.method) \($0.path)" })
            for action in ProfileAction.allCases where !ProfileLifecycle.roles(allowedFor: action).isDisjoint(with: people) {
                let routes = Self.routes[action] ?? []
                #expect(!routes.isEmpty, "no route applies \(action)")
                for route in routes { #expect(existing.contains(route), "\(action): \(route) is not a route of the site") }
            }
        }
    }

    /// One explicit step: the action, its starting state, the route (with `{id}` the
    /// candidacy's, `{request}` its modification request's), the form, who posts it.
    struct Step: Sendable {
        let action: ProfileAction
        let from: ProfileState
        let path: String
        let fields: [(String, String)]
        let username: String
    }

    static let steps: [Step] =
        [
            Step(action: .authorize, from: .complete, path: "/candidaturas/{id}/autorizar", fields: [], username: "rep.pan"),
            Step(action: .verify, from: .authorized, path: "/instancia/candidaturas/{id}/verificar", fields: [], username: "ana.staff"),
            Step(action: .publish, from: .verified, path: "/instancia/candidaturas/{id}/publicar", fields: [], username: "ana.staff"),
            Step(
                action: .requestModification, from: .published, path: "/candidaturas/{id}/modificacion",
                fields: [("motivo", "Cambió su domicilio de campaña")], username: "rep.pan"),
            Step(
                action: .approveModification, from: .modificationRequested, path: "/instancia/modificaciones/{request}/aprobar",
                fields: [], username: "ana.staff"),
            Step(
                action: .rejectModification, from: .modificationRequested, path: "/instancia/modificaciones/{request}/rechazar",
                fields: [("observaciones", "No procede")], username: "ana.staff"),
            Step(action: .reverify, from: .modificationSubmitted, path: "/instancia/candidaturas/{id}/verificar", fields: [], username: "ana.staff"),
            Step(action: .republish, from: .reverified, path: "/instancia/candidaturas/{id}/publicar", fields: [], username: "ana.staff"),
        ]
        + [ProfileState.authorized, .verified, .modificationSubmitted, .reverified].map {
            Step(
                action: .returnWithObservations, from: $0, path: "/instancia/candidaturas/{id}/devolver",
                fields: [("observaciones", "Falta el grado de estudios")], username: "ana.staff")
        }

    /// Takes `id` from `pendiente` to `state` through the repository (the shortest path of
    /// the lifecycle), as the role allowed to take each step.
    static func reach(_ state: ProfileState, _ id: String, _ db: Database) async throws {
        var paths: [ProfileState: [ProfileAction]] = [.pending: []]
        var frontier: [ProfileState] = [.pending]
        while !frontier.isEmpty, paths[state] == nil {
            var next: [ProfileState] = []
            for current in frontier {
                for action in ProfileAction.allCases {
                    guard let target = ProfileLifecycle.target(of: action, from: current), paths[target] == nil else { continue }
                    paths[target] = paths[current]! + [action]
                    next.append(target)
                }
            }
            frontier = next
        }
        let workflows = StaffTests.workflows(db)
        for action in try #require(paths[state]) {
            let role = ProfileLifecycle.roles(allowedFor: action).sorted { $0.rawValue < $1.rawValue }.first!
            try await workflows.apply(
                action, to: id, by: ProfileActor(role: role, id: "setup"),
                completeness: CompletenessReport(), observations: "preparación")
        }
        #expect(try await StaffTests.state(db, id) == state)
    }

    @Test func eachExplicitRouteMovesTheProfileWhereTheLifecycleSays() async throws {
        let candidacies = Self.steps.indices.map { WebFixtures.candidacy("W-\($0)", party: "PAN", name: "Persona Flujo \($0)") }
        try await StaffTests().withSite(candidacies) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            _ = try await WebFixtures.representativeAccount(db, party: "PAN", username: "rep.pan")
            for (index, step) in Self.steps.enumerated() {
                let id = "W-\(index)"
                try await Self.reach(step.from, id, db)
                let request = try await StaffTests.workflows(db).modificationRequests(for: id).last.map { "\($0.id)" } ?? ""
                let path = step.path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{request}", with: request)
                try await browser.signIn(step.username)
                let response = try await browser.post(path, step.fields)
                #expect(response.status.code < 400, "\(step.action) from \(step.from) through \(path): \(response.status)")
                let expected = try #require(ProfileLifecycle.target(of: step.action, from: step.from))
                #expect(try await StaffTests.state(db, id) == expected, "\(step.action) from \(step.from) through \(path)")
                _ = try await browser.post("/salir")
            }
        }
    }
}
