import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// `CurricularField.all`, the one table of curricular fields, against its users: every field
/// of the table, given a value of its own, shows that value in the capture form (under its
/// form name), the spreadsheet template (under its header), the staff review page, the public
/// profile and INE's open data (under its column), and each long text is checked by
/// completeness with its rule.
@Suite("Curricular field table")
struct CurricularFieldTableTests {
    static let candidacyID = "C-CAMPOS"

    /// A distinct word per field (ASCII, so no page escapes it differently).
    static func marker(_ entry: CurricularField) -> String {
        switch entry.kind {
        case .network(let network): "marca\(network.rawValue)"
        default: "marca" + (entry.formName ?? entry.storageKey).filter { $0.isLetter || $0.isNumber }
        }
    }

    /// A questionnaire in which every field of the table holds its marker.
    static func sample() -> CurricularQuestionnaire {
        var answers = CurricularQuestionnaire()
        for entry in CurricularField.all {
            let marker = marker(entry)
            switch entry.kind {
            case .text(let text): answers[keyPath: text.answer] = "Texto de \(marker) para la prueba"
            case .photo: break  // its own page and check (PhotoUploadTests)
            case .network(let network):
                let address = "https://\(network.domains[0])/\(marker)"
                switch network {
                case .facebook: answers.contact.facebook = address
                case .twitter: answers.contact.twitter = address
                case .youtube: answers.contact.youtube = address
                case .instagram: answers.contact.instagram = address
                case .tiktok: answers.contact.tiktok = address
                }
            case .webPage: answers.contact.webPage = "https://\(marker).mx"
            case .emails: answers.contact.emails = ["\(marker)@ejemplo.mx"]
            case .phones: answers.contact.phones = ["3398765432"]
            case .campaignHouseAddresses: answers.contact.campaignHouseAddresses = ["Calle \(marker) 12"]
            case .maximumDegree: answers.maximumDegree = "maestria"
            case .degreeStatus: answers.degreeStatus = "en_curso"
            case .otherTraining: answers.otherTraining = ["Curso \(marker)"]
            case .publicationAuthorization: answers.publicationAuthorization = true
            }
        }
        return answers
    }

    /// What every page shows of the sample's value of `entry` (nil: the photo).
    static func shown(_ entry: CurricularField) -> String? {
        switch entry.kind {
        case .photo: nil
        case .phones: "3398765432"
        case .maximumDegree: "Maestría"
        case .degreeStatus: "En curso"
        case .publicationAuthorization: "Sí"
        default: marker(entry)
        }
    }

    @Test func everyFieldOfTheTableHasItsOwnNames() {
        let entries = CurricularField.all
        #expect(Set(entries.map(\.field.id)).count == entries.count, "two entries share a domain identifier")
        let names = entries.compactMap(\.formName)
        #expect(Set(names).count == names.count, "two entries share a form name")
        let headers = entries.compactMap(\.csvHeader)
        #expect(Set(headers).count == headers.count, "two entries share a spreadsheet header")
        for entry in entries where entry.storageKey != "contact" {
            #expect(CurricularField.storageKeyLabels[entry.storageKey] == entry.listLabel)
        }
        // Every top-level key of the stored JSON is named by the table.
        let stored = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.sample())) as? [String: Any]
        #expect(Set(stored?.keys.map { $0 } ?? []).subtracting(entries.map(\.storageKey)) == [])
    }

    @Test func completenessChecksEveryLongTextWithItsRule() {
        let answers = Self.sample()  // every text far under its minimum
        let report = answers.completeness(registeredUnderAffirmativeAction: true, photoReferenceDate: LocalDate(year: 2027, month: 1, day: 1)!)
        for entry in CurricularField.texts {
            #expect(report.issues.contains { $0.field == entry.field.id && $0.code == .tooShort }, "\(entry.field.id) is not checked")
        }
    }

    @Test func everyFieldAppearsInTheFormTheSpreadsheetTheReviewTheProfileAndTheOpenData() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let candidacy = WebFixtures.candidacy(Self.candidacyID, party: "PAN", name: "Aurelia Núñez Quintero")
            try await WebFixtures.seed(db, process, [candidacy])
            try await WebFixtures.representativeAccount(db, party: "PAN")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-campos")
            let answers = Self.sample()
            try await StaffTests.authorize(db, Self.candidacyID, answers)
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                // The form, read-only once authorized, still shows every value under its control's name.
                let representative = Browser(client)
                try #require(try await representative.signIn("rep-pan").status == .seeOther)
                try #require(try await representative.post("/candidaturas/\(Self.candidacyID)/aviso").status == .seeOther)
                let form = try await representative.get("/candidaturas/\(Self.candidacyID)/curricular")
                try #require(form.status == .ok)
                // The spreadsheet template the representative downloads.
                let template = try await representative.get("/candidaturas/plantilla.csv")
                try #require(template.status == .ok)
                // The staff review page.
                let staff = Browser(client)
                try #require(try await staff.signIn("staff-campos").status == .seeOther)
                let review = try await staff.get("/instancia/candidaturas/\(Self.candidacyID)")
                try #require(review.status == .ok)
                try await StaffTests.publish(db, Self.candidacyID)
                try await PublicationTests.rebuild(db, process)
                let visitor = Browser(client)
                let profile = try await visitor.get("/perfil/\(Self.candidacyID)").text
                let openData = try SpreadsheetTable.read(Array(try await visitor.get("/datos-abiertos/candidaturas.csv").body.readableBytesView))
                let row = try #require(openData.rows.first { $0.cells.contains { $0.contains("Aurelia") } })

                for entry in CurricularField.all {
                    guard let value = Self.shown(entry) else { continue }
                    let id = entry.field.id
                    if let name = entry.formName {
                        #expect(form.text.contains("name=\"\(name)\"") || form.text.contains("name=\"\(name)[]\""), "form lacks \(name)")
                        if !entry.isChoice { #expect(form.text.contains(value), "form lacks the value of \(id)") }
                    }
                    if let header = entry.csvHeader {
                        #expect(template.text.contains(header), "template lacks the column of \(id)")
                        #expect(template.text.contains(value), "template lacks the value of \(id)")
                    }
                    #expect(review.text.contains(entry.listLabel.htmlEscapedForTest), "review lacks the label of \(id)")
                    #expect(review.text.contains(value), "review lacks the value of \(id)")
                    if entry.publicLabel != nil {
                        #expect(profile.contains(value), "public profile lacks \(id)")
                    }
                    if let column = entry.openDataColumn {
                        let index = try #require(openData.header.firstIndex(of: column), "open data lacks the column \(column)")
                        #expect(row.cell(index).contains(value), "open data column \(column) lacks the value of \(id)")
                    }
                }
            }
        }
    }
}

extension CurricularField {
    /// A choice: the form shows it as a selected option, not as its text.
    var isChoice: Bool {
        switch kind {
        case .maximumDegree, .degreeStatus, .publicationAuthorization: true
        default: false
        }
    }
}

extension String {
    /// The few characters templates escape in a label.
    var htmlEscapedForTest: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
