@testable import ConocelesCore
import Foundation
import Testing

/// The stored JSON of the curricular questionnaire and of its published copy: the long texts
/// under the keys of `CurricularField.texts`, and a row or snapshot written before a long
/// text existed still readable (the text reads as empty), so a new long text needs no migration.
@Suite("Curricular questionnaire storage")
struct CurricularStorageTests {
    static let answers = CurricularQuestionnaire(
        contact: PublicContact(webPage: "https://ejemplo.mx", phones: ["3312345678"]), maximumDegree: "licenciatura",
        degreeStatus: "cedula", otherTraining: ["Diplomado"], professionalHistory: "Historia", politicalTrajectory: "Trayectoria",
        publicOfficeMotivation: "Motivo", firstProposal: "Uno", secondProposal: "Dos", genderProposal: "Paridad",
        publicationAuthorization: true)

    @Test func answersRoundTripUnderTheTablesKeys() throws {
        let data = try JSONEncoder().encode(Self.answers)
        #expect(try JSONDecoder().decode(CurricularQuestionnaire.self, from: data) == Self.answers)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for entry in CurricularField.texts {
            let text = try #require(entry.text)
            #expect(object[entry.storageKey] as? String == Self.answers[keyPath: text.answer])
        }
        #expect(object["photo"] == nil, "a missing photo is left out, as before")
    }

    @Test func aRowWrittenBeforeALongTextExistedReadsItAsEmpty() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.answers)) as? [String: Any])
        object["genderProposal"] = nil
        let decoded = try JSONDecoder().decode(CurricularQuestionnaire.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.genderProposal == "")
        #expect(decoded.firstProposal == "Uno")
    }

    @Test func thePublishedCopyRoundTripsAndToleratesAMissingText() throws {
        var published = PublishedProfile.Curricular(
            contact: Self.answers.contact, education: "Licenciatura", educationStatus: nil,
            otherTraining: ["Diplomado"])
        published.secondProposal = "Dos"
        let data = try JSONEncoder().encode(published)
        #expect(try JSONDecoder().decode(PublishedProfile.Curricular.self, from: data) == published)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["secondProposal"] = nil
        let decoded = try JSONDecoder().decode(PublishedProfile.Curricular.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.secondProposal == "")
        #expect(decoded.education == "Licenciatura")
    }
}
