@testable import ConocelesCore
import Foundation
import Testing

@Suite("CandidacyEventParser")
struct CandidacyEventParserTests {
    func wire(_ json: String) throws -> CandidacyEventParser.Wire {
        try JSONDecoder().decode(CandidacyEventParser.Wire.self, from: Data(json.utf8))
    }

    let approved = """
        {"id": "evt-1", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z",
         "candidacy": {"id": "C-1", "office": "PM", "municipality": "039", "formula_position": "propietario",
                       "full_name": " María José Pérez Núñez ", "gender": "mujer", "birth_date": "1980-02-29",
                       "affirmative_action": "indigena", "postulated_by_type": "coalicion", "postulated_by": "FCJ",
                       "email": "maria@example.mx", "phone": "33 1234 5678"}}
        """

    @Test func anApprovalBecomesACandidacyAndAContact() throws {
        let event = try CandidacyEventParser.parse(try wire(approved), processID: "jalisco-2024").get()
        #expect(event.kind == .approved && event.id == "evt-1" && event.candidacyID == "C-1")
        let c = try #require(event.candidacy)
        #expect(c.fullName == "María José Pérez Núñez")
        #expect(c.officeCode == "PM" && c.municipality == "039" && c.formulaPosition == .proprietor)
        #expect(c.age == .birthDate(LocalDate("1980-02-29")!))
        #expect(c.affirmativeAction == .indigenous)
        #expect(c.postulatingEntity == .coalition(code: "FCJ"))
        #expect(event.contact == RegistrationContact(email: "maria@example.mx", phone: "+523312345678"))
    }

    @Test func everyProblemIsReportedWithItsField() throws {
        let bad = """
            {"type": "candidacy.approved", "occurred_at": "ayer",
             "candidacy": {"office": "PM", "formula_position": "titular", "gender": "x", "age": 12,
                           "affirmative_action": "marciana", "postulated_by_type": "partido", "postulated_by": "PAN",
                           "email": "no-es-correo", "phone": "123"}}
            """
        guard case .failure(let errors) = CandidacyEventParser.parse(try wire(bad), processID: "p") else {
            Issue.record("expected errors"); return
        }
        let fields = Set(errors.fields.map(\.field))
        #expect(
            fields == [
                "id", "occurred_at", "candidacy.id", "candidacy.full_name", "candidacy.formula_position",
                "candidacy.gender", "candidacy.age", "candidacy.affirmative_action", "candidacy.email", "candidacy.phone",
            ])
        #expect(errors.fields.allSatisfy { !$0.message.isEmpty && $0.message.hasSuffix(".") })
    }

    @Test func cancellationAndSubstitutionNeedTheirTargets() throws {
        let cancel = try CandidacyEventParser.parse(
            try wire(#"{"id":"e2","type":"candidacy.cancelled","occurred_at":"2024-04-01T10:00:00-06:00","candidacy_id":"C-9"}"#),
            processID: "p"
        ).get()
        #expect(cancel.kind == .cancelled && cancel.candidacyID == "C-9" && cancel.candidacy == nil)
        let noTarget = CandidacyEventParser.parse(
            try wire(#"{"id":"e3","type":"candidacy.cancelled","occurred_at":"2024-04-01T10:00:00Z"}"#), processID: "p")
        #expect((try? noTarget.get()) == nil)
        let substitution = approved.replacingOccurrences(of: "candidacy.approved", with: "candidacy.substituted")
        guard case .failure(let errors) = CandidacyEventParser.parse(try wire(substitution), processID: "p") else {
            Issue.record("expected an error"); return
        }
        #expect(errors.fields.map(\.field) == ["replaces_candidacy_id"])
        let full = substitution.replacingOccurrences(of: #""candidacy": {"#, with: #""replaces_candidacy_id": "C-0", "candidacy": {"#)
        let event = try CandidacyEventParser.parse(try wire(full), processID: "p").get()
        #expect(event.replacesCandidacyID == "C-0" && event.candidacy?.replacesCandidacyID == "C-0")
    }

    @Test(arguments: ["2024-03-05T18:00:00Z", "2024-03-05T18:00:00.123Z", "2024-03-05T18:00:00-06:00"])
    func acceptsISOTimestamps(_ text: String) { #expect(CandidacyEventParser.looksLikeTimestamp(text)) }

    @Test(arguments: ["2024-03-05", "2024-13-05T18:00:00Z", "2024-03-05T25:00:00Z", "2024-03-05T18:00:00", "ayer"])
    func refusesOtherTimestamps(_ text: String) { #expect(!CandidacyEventParser.looksLikeTimestamp(text)) }
}
