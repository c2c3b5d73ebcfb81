import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import JobQueue
import Storage
import Testing
import TestSupport

/// Issue 17's "updates that update": a `candidacy.updated` event, the registration system's
/// correction, changes the candidacy (it was answered 202, marked applied, and changed
/// nothing); one that would change what the candidacy is, or that concerns a withdrawn one,
/// is kept as rejected with its reason.
@Suite("Registration: updates")
struct RegistrationUpdateTests {
    static func update(
        event: String, candidacy: String, name: String = "Persona Corregida", office: String = "PM",
        party: String = "MC", municipality: String = "039", gender: String = "hombre", birth: String = "1979-02-03"
    ) -> String {
        """
        {"id": "\(event)", "type": "candidacy.updated", "occurred_at": "2024-03-08T18:00:00Z",
         "candidacy": {"id": "\(candidacy)", "office": "\(office)", "municipality": "\(municipality)", "formula_position": "propietario",
                       "full_name": "\(name)", "gender": "\(gender)", "birth_date": "\(birth)",
                       "postulated_by_type": "partido", "postulated_by": "\(party)", "email": "persona@example.mx"}}
        """
    }

    static func status(_ db: Database, event: String) async throws -> (String, String?) {
        for try await row in try await db.client.query(
            "SELECT status, status_reason FROM registration_events WHERE id = \(event)"
        ).decode((String, String?).self) { return row }
        return ("", nil)
    }

    @Test func anUpdateChangesThePersonAndItsPlaceAndRefusesToChangeTheCandidacy() async throws {
        try await RegistrationOrderTests().withRegistration { deliver, db in
            try await deliver(RegistrationOrderTests.approval(event: "e-1", candidacy: "UPD-1"))
            let repository = CandidacyRepository(client: db.client, logger: TestDatabase.logger)
            let before = try #require(try await repository.candidacy(id: "UPD-1"))
            #expect(before.fullName == "Persona UPD-1" && before.municipality == "039")
            let refreshes = try await JobTesting.enqueued(db, kind: PublicationProfileRefreshWorker.kind).count

            try await deliver(Self.update(event: "e-2", candidacy: "UPD-1", municipality: "120"))
            #expect(try await Self.status(db, event: "e-2").0 == "applied")
            let after = try #require(try await repository.candidacy(id: "UPD-1"))
            #expect(after.fullName == "Persona Corregida")
            #expect(after.gender == .man)
            #expect(after.age == .birthDate(LocalDate("1979-02-03")!))
            #expect(after.municipality == "120")
            #expect(after.officeCode == before.officeCode && after.postulatingEntity == before.postulatingEntity)
            let audit = try await AuditLog(client: db.client, logger: TestDatabase.logger).records(forCandidacy: "UPD-1")
            let line = try #require(audit.last { $0.entry.action == "candidacy.update" })
            #expect(line.entry.changes["fields"] == "full_name,gender,age,municipality")
            #expect(!line.entry.changes.values.contains { $0.contains("1979") }, "the audit line holds a birth date")
            #expect(
                try await JobTesting.enqueued(db, kind: PublicationProfileRefreshWorker.kind).count > refreshes,
                "the public profile does not follow the correction")

            // Another office or party is another candidacy: rejected, nothing changes.
            try await deliver(Self.update(event: "e-3", candidacy: "UPD-1", office: "SIN", municipality: "120"))
            let (status, reason) = try await Self.status(db, event: "e-3")
            #expect(status == "rejected")
            #expect(reason?.contains("no puede cambiar el cargo") == true, "\(reason ?? "")")
            try await deliver(Self.update(event: "e-4", candidacy: "UPD-1", party: "PAN"))
            #expect(try await Self.status(db, event: "e-4").1?.contains("quién la postula") == true)
            #expect(try await repository.candidacy(id: "UPD-1") == after)

            // The same data again: applied, no new audit line.
            let lines = audit.count
            try await deliver(Self.update(event: "e-5", candidacy: "UPD-1", municipality: "120"))
            #expect(try await Self.status(db, event: "e-5").0 == "applied")
            #expect(try await AuditLog(client: db.client, logger: TestDatabase.logger).records(forCandidacy: "UPD-1").count == lines)

            // A withdrawn candidacy is not updated.
            try await deliver(RegistrationOrderTests.cancellation(event: "e-6", candidacy: "UPD-1"))
            try await deliver(Self.update(event: "e-7", candidacy: "UPD-1", name: "Otra Corrección"))
            #expect(try await Self.status(db, event: "e-7").0 == "rejected")
            #expect(try await repository.candidacy(id: "UPD-1")?.fullName == "Persona Corregida")
        }
    }
}
