import Foundation
import Testing
@testable import ConocelesCore

@Suite("Candidacy")
struct CandidacyTests {
    @Test(
        "Age from a birth date, on and around the birthday",
        arguments: [
            ("2024-06-14", 33), ("2024-06-15", 34), ("2024-12-31", 34), ("2025-01-01", 34),
        ])
    func ageFromBirthDate(day: String, years: Int) {
        #expect(CandidateAge.birthDate(LocalDate("1990-06-15")!).years(on: LocalDate(day)!) == years)
        #expect(CandidateAge.years(41).years(on: LocalDate(day)!) == 41)
    }

    @Test func leapDayBirthday() {
        let age = CandidateAge.birthDate(LocalDate("2000-02-29")!)
        #expect(age.years(on: LocalDate("2021-02-28")!) == 20)
        #expect(age.years(on: LocalDate("2021-03-01")!) == 21)
    }

    @Test("Status changes: only an approved candidacy is substituted or cancelled", arguments: CandidacyStatus.allCases, CandidacyStatus.allCases)
    func statusChanges(from: CandidacyStatus, to: CandidacyStatus) {
        #expect(from.canChange(to: to) == (from == .approved && to != .approved))
        #expect(from.isActive == (from == .approved))
    }

    @Test(
        "Postulating entity names and membership in the process",
        arguments: [
            (PostulatingEntity.party(code: "MC"), String?.some("Movimiento Ciudadano")),
            (.party(code: "XYZ"), nil),
            (.coalition(code: "FCJ"), "Fuerza y Corazón por Jalisco"),
            (.commonCandidacy(code: "FCJ"), nil),
            (.commonCandidacy(code: "CC1"), "Candidatura común de prueba"),
            (.coalition(code: "CC1"), nil),
            (.independent(code: "CI-07"), "Candidatura independiente"),
        ])
    func postulatingEntity(entity: PostulatingEntity, name: String?) throws {
        #expect(entity.displayName(in: Factories.process) == name)
        #expect(entity.belongs(to: Factories.process) == (name != nil))
        let data = try JSONEncoder().encode(entity)
        #expect(try JSONDecoder().decode(PostulatingEntity.self, from: data) == entity)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""kind":"\#(entity.kind.rawValue)""#))
    }

    @Test(
        "Consistency with the process",
        arguments: [
            (Factories.candidacy(), [CandidacyInconsistency]()),
            (Factories.candidacy(district: 21), [.invalidDistrict(21)]),
            (Factories.candidacy(district: nil), [.invalidDistrict(nil)]),
            (Factories.candidacy(office: "SEN", district: nil), [.unknownOffice("SEN")]),
            (Factories.candidacy(office: "DIP_RP", district: nil), [.missingListPosition]),
            (Factories.candidacy(office: "DIP_RP", district: nil, listPosition: 3), []),
            (Factories.candidacy(office: "DIP_RP", district: nil, listPosition: 0), [.invalidListPosition(0)]),
            (Factories.candidacy(office: "PM", district: nil, municipality: "039"), []),
            (Factories.candidacy(office: "PM", district: nil, municipality: "999"), [.invalidMunicipality("999")]),
            (Factories.candidacy(office: "GUB", district: nil, entity: .party(code: "PRX")), [.unknownPostulatingEntity(.party(code: "PRX"))]),
        ])
    func consistency(candidacy: Candidacy, expected: [CandidacyInconsistency]) {
        #expect(candidacy.inconsistencies(with: Factories.process, catalogs: Factories.catalogs) == expected)
    }

    @Test func codableRoundTrip() throws {
        let candidacy = Factories.candidacy(affirmativeAction: .indigenous)
        let data = try JSONEncoder().encode(candidacy)
        #expect(try JSONDecoder().decode(Candidacy.self, from: data) == candidacy)
        #expect(candidacy.isAffirmativeAction)
    }

    @Test(
        "Months arithmetic clamps to the end of shorter months",
        arguments: [
            ("2024-05-31", -3, "2024-02-29"), ("2024-03-01", -3, "2023-12-01"), ("2023-11-30", 3, "2024-02-29"),
            ("2024-01-15", -13, "2022-12-15"), ("2023-05-31", -3, "2023-02-28"),
        ])
    func addingMonths(start: String, months: Int, expected: String) {
        #expect(LocalDate(start)!.addingMonths(months) == LocalDate(expected)!)
    }

    @Test func spanishDate() {
        #expect(LocalDate("2024-03-01")!.spanishDescription == "1 de marzo de 2024")
    }
}
