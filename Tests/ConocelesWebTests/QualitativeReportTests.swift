import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// Issue 18: the final report's qualitative section for the gender-equality office — the
/// follow-up breakdowns and the "Otro" free texts of everyone who answered — to that office
/// only, with small counts reserved, and nowhere public.
@Suite("Final report: qualitative section")
struct QualitativeReportTests {
    static func indigenous(_ people: CatalogAnswer) -> IdentityQuestionnaire {
        var answers = PublicationTests.identity()
        answers.indigenous.people = .answered(people)
        return answers
    }

    @Test func theGenderEqualityOfficeReadsBreakdownsAndFreeTextsThatNobodyElseSees() async throws {
        // 7 people identify as indigenous: 6 Wixárika (catalog) and 1 who wrote her own answer;
        // 1 withdrawn candidacy's answers must not count.
        let candidacies = (1...8).map { WebFixtures.candidacy("C-Q\($0)", party: $0 % 2 == 0 ? "PAN" : "PRI", name: "Persona Q\($0)") }
        let key = try #require(jaliscoCatalogs.indigenousPeoples.entries.first?.key)
        let keyName = try #require(jaliscoCatalogs.indigenousPeoples.entries.first?.name)
        try await PublicationTests().withSite(candidacies) { browser, db, process in
            let questionnaires = StaffTests.questionnaires(db)
            for (index, candidacy) in candidacies.enumerated() {
                let answer: CatalogAnswer = index == 0 ? .other(text: "Comunidad coca de Mezcala") : .entry(key: key)
                try await questionnaires.saveIdentity(Self.indigenous(answer), for: candidacy.id, by: .system("test"))
            }
            var withdrawn = Self.indigenous(.other(text: "Texto de una candidatura retirada"))
            withdrawn.indigenous.identifiesAsIndigenous = .yes
            try await questionnaires.saveIdentity(withdrawn, for: "C-Q8", by: .system("test"))
            try await PublicationTests.withdraw(db, "C-Q8", as: .cancelled)

            // Nobody but the gender-equality office: transparency staff, IT, a party, anonymous.
            #expect(try await browser.get("/instancia/informe-cualitativo").status == .seeOther)
            for (role, username) in [(AccountRole.transparencyStaff, "t.staff"), (.itStaff, "it.staff")] {
                _ = try await WebFixtures.staffAccount(db, role, username: username)
                try await browser.signIn(username)
                #expect(try await browser.get("/instancia/informe-cualitativo").status == .forbidden, "\(role)")
                #expect(try await browser.get("/instancia/informe-cualitativo.csv").status == .forbidden, "\(role)")
                #expect(!(try await browser.get("/instancia/informes").text.contains("informe-cualitativo")))
            }
            _ = try await WebFixtures.representativeAccount(db, party: "PAN")
            try await browser.signIn("rep-pan")
            #expect(try await browser.get("/instancia/informe-cualitativo").status == .forbidden)

            _ = try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "ig.staff")
            try await browser.signIn("ig.staff")
            #expect(try await browser.get("/instancia/informes").text.contains(#"href="/instancia/informe-cualitativo""#))
            let page = try await browser.get("/instancia/informe-cualitativo")
            #expect(page.status == .ok)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.text.contains("Comunidad coca de Mezcala (1)"))
            #expect(!page.text.contains("candidatura retirada"), "a withdrawn candidacy's answers were counted")
            #expect(!page.text.contains("Persona Q"), "the report names people")
            // The catalog people: 6 people; "Otro": 1, reserved; and with it the next smallest
            // count of the table (6), or the total minus the shown rows would give it away.
            #expect(page.text.contains("<th scope=\"row\">\(keyName.htmlEscaped)</th><td>menos de 5</td>"), "\(page.text)")
            #expect(page.text.contains("<th scope=\"row\">Otro</th><td>menos de 5</td>"))
            #expect(page.text.contains("las 7 candidaturas vigentes"))

            let csv = try await browser.get("/instancia/informe-cualitativo.csv")
            #expect(csv.status == .ok)
            let bytes = Array(csv.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(csv.text.contains("\r\n"))
            #expect(csv.text.contains(#""otro","Personas indígenas","¿A qué pueblo o comunidad indígena pertenece?","","Comunidad coca de Mezcala","1""#))

            // Each reading is in the audit trail, without content.
            let lines = try await db.client.query(
                "SELECT changes::text FROM audit_log WHERE action = 'report.qualitative.read'"
            ).collect().map { try $0.decode(String.self) }
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { !$0.contains("Mezcala") })

            // Never public: the free text of someone who did not consent is on no public output.
            for (uri, _, text) in try await PublicationTests.everywhere(browser, id: "C-Q1") {
                #expect(!text.contains("Mezcala"), "\(uri)")
            }
        }
    }

    @Test func smallCountsAreReservedAndNeverAloneInATableThatAddsUp() {
        #expect(QualitativeIdentityReport.protect([6, 1, 0], addsUp: true) == [nil, nil, 0])
        #expect(QualitativeIdentityReport.protect([9, 7, 3], addsUp: true) == [9, nil, nil])
        #expect(QualitativeIdentityReport.protect([9, 3, 2], addsUp: true) == [9, nil, nil])
        #expect(QualitativeIdentityReport.protect([9, 7, 3], addsUp: false) == [9, 7, nil])
        #expect(QualitativeIdentityReport.protect([5, 0, 12], addsUp: true) == [5, 0, 12])
    }
}
