import ConocelesCore
import Foundation
import Logging
import PostgresNIO

/// What a demo load left in the database, read back from it, and whether the candidacies
/// match the process file (seats × parties × 2 original candidacies per office).
public struct DemoSummary: Sendable {
    /// Counters kept while generating (what only the generator knows).
    struct Generated: Sendable {
        var passing = 0, failing = 0

        mutating func add(_ profiles: [DemoProfile]) {
            for profile in profiles {
                if profile.passesRules == true { passing += 1 } else if profile.passesRules == false { failing += 1 }
            }
        }
    }

    /// One office: formula positions expected from the process file and original
    /// candidacies registered.
    public struct OfficeCount: Sendable, Hashable {
        public var code: String, name: String, seats: Int, expected: Int, registered: Int
    }

    public var offices: [OfficeCount]
    public var candidaciesByStatus: [CandidacyStatus: Int]
    public var substitutes: Int
    public var accounts: Int
    /// Profiles of active candidacies by state.
    public var profilesByState: [ProfileState: Int]
    public var curricularPassing: Int
    public var curricularFailing: Int
    public var identityQuestionnaires: Int
    public var consentsGranted: Int
    public var transitions: Int
    public var modificationRequests: Int
    public var registrationEvents: Int
    public var auditEntries: Int
    public var elapsed: Duration

    /// Whether every office has exactly its expected original candidacies.
    public var matchesProcess: Bool { offices.allSatisfy { $0.expected == $0.registered } }

    /// The report, in Spanish, one line each.
    public var lines: [String] {
        func n(_ value: Int) -> String { SpanishNumberFormat.format(value) }
        var lines = ["Cargo | escaños | fórmulas esperadas (escaños × partidos × 2) | candidaturas originales"]
        for office in offices {
            lines.append(
                "\(office.name) (\(office.code)) | \(n(office.seats)) | \(n(office.expected)) | \(n(office.registered))\(office.expected == office.registered ? "" : "  ✗")"
            )
        }
        let total = candidaciesByStatus.values.reduce(0, +)
        lines.append(
            "Candidaturas: \(n(total)) (aprobadas \(n(candidaciesByStatus[.approved] ?? 0)), sustituidas \(n(candidaciesByStatus[.substituted] ?? 0)), canceladas \(n(candidaciesByStatus[.cancelled] ?? 0)); sustitutas \(n(substitutes)))"
        )
        lines.append("Coinciden con el archivo del proceso: \(matchesProcess ? "sí" : "NO")")
        lines.append("Cuentas: \(n(accounts))")
        lines.append(
            "Perfiles de candidaturas activas por estado: " + ProfileState.allCases.map { "\($0.label) \(n(profilesByState[$0] ?? 0))" }.joined(separator: ", ")
        )
        lines.append(
            "Cuestionarios curriculares: \(n(curricularPassing + curricularFailing)) (cumplen las reglas \(n(curricularPassing)), incumplen una a propósito \(n(curricularFailing)))"
        )
        lines.append("Cuestionarios de identidad cifrados: \(n(identityQuestionnaires)); consentimientos otorgados: \(n(consentsGranted))")
        lines.append(
            "Transiciones: \(n(transitions)); solicitudes de modificación: \(n(modificationRequests)); eventos de registro: \(n(registrationEvents)); bitácora: \(n(auditEntries))"
        )
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        lines.append("Tiempo: \(String(format: "%.1f", seconds).replacingOccurrences(of: ".", with: ",")) s")
        return lines
    }

    static func read(
        _ election: DemoElection, generated: Generated, elapsed: Duration,
        client: PostgresClient, logger: Logger
    ) async throws -> DemoSummary {
        let processID = election.process.id
        var registered: [String: Int] = [:]
        for try await (code, count) in try await client.query(
            """
            SELECT office_code, count(*) FROM candidacies WHERE process_id = \(processID) AND replaces_candidacy_id IS NULL GROUP BY office_code
            """, logger: logger
        ).decode((String, Int).self) { registered[code] = count }
        let expected = election.slotsByOffice
        let parties = Set(election.slots.map(\.party.code)).count * 2 * election.scale.replicas
        let offices = election.process.offices.map { office in
            OfficeCount(
                code: office.code, name: office.name, seats: (expected[office.code] ?? 0) / max(1, parties),
                expected: expected[office.code] ?? 0, registered: registered[office.code] ?? 0)
        }
        var counts: [Int] = []
        for try await row in try await client.query(
            """
            SELECT (SELECT count(*) FROM candidacies WHERE process_id = \(processID) AND replaces_candidacy_id IS NOT NULL),
                   (SELECT count(*) FROM accounts WHERE process_id = \(processID)),
                   (SELECT count(*) FROM identity_questionnaires),
                   (SELECT count(*) FROM identity_consents WHERE decision = 'granted'),
                   (SELECT count(*) FROM profile_transitions),
                   (SELECT count(*) FROM modification_requests),
                   (SELECT count(*) FROM registration_events WHERE process_id = \(processID)),
                   (SELECT count(*) FROM audit_log)
            """, logger: logger
        ).decode((Int, Int, Int, Int, Int, Int, Int, Int).self) {
            counts = [row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7]
        }
        return DemoSummary(
            offices: offices,
            candidaciesByStatus: try await CandidacyRepository(client: client, logger: logger).countsByStatus(processID: processID),
            substitutes: counts[0], accounts: counts[1],
            profilesByState: try await ProfileWorkflowRepository(client: client, logger: logger).countsByState(processID: processID),
            curricularPassing: generated.passing, curricularFailing: generated.failing,
            identityQuestionnaires: counts[2], consentsGranted: counts[3], transitions: counts[4], modificationRequests: counts[5],
            registrationEvents: counts[6], auditEntries: counts[7], elapsed: elapsed)
    }
}
