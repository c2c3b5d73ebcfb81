import ConocelesCore
@testable import ConocelesWeb
import Foundation
import Storage
import Testing
import TestSupport

/// Issue 21: each suplente is linked to their propietaria/o, and back, wherever both are public.
@Suite("Public profile: the other member of the formula")
struct FormulaPartnerTests {
    static func alternate(_ id: String, party: String, office: String = "GUB", district: Int? = nil, name: String) -> Candidacy {
        var candidacy = WebFixtures.candidacy(id, party: party, office: office, district: district, name: name)
        candidacy.formulaPosition = .alternate
        return candidacy
    }

    @Test func propietariaAndSuplenteLinkToEachOtherOnlyWithinTheirFormula() async throws {
        let owner = WebFixtures.candidacy("F-PAN-P", party: "PAN", name: "Propietaria Panista")
        let alternate = Self.alternate("F-PAN-S", party: "PAN", name: "Suplente Panista")
        let otherParty = Self.alternate("F-PRI-S", party: "PRI", name: "Suplente Priista")
        let otherDistrict = Self.alternate("F-PAN-D5", party: "PAN", office: "DIP_MR", district: 5, name: "Suplente Distrital")
        let district = WebFixtures.candidacy("F-PAN-D4", party: "PAN", office: "DIP_MR", district: 4, name: "Propietario Distrital")
        try await PublicationTests().withSite([owner, alternate, otherParty, otherDistrict, district]) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let ownerPage = try await browser.get("/perfil/F-PAN-P").text
            #expect(ownerPage.contains(#"Suplente de esta fórmula: <a href="/perfil/F-PAN-S">Suplente Panista</a>"#))
            #expect(!ownerPage.contains("F-PRI-S"), "linked to another party's suplente")
            let alternatePage = try await browser.get("/perfil/F-PAN-S").text
            #expect(alternatePage.contains(#"Propietaria/o de esta fórmula: <a href="/perfil/F-PAN-P">Propietaria Panista</a>"#))
            // Same party, same office kind, another district: not the same formula.
            #expect(!(try await browser.get("/perfil/F-PAN-D4").text.contains("de esta fórmula")))
            #expect(!(try await browser.get("/perfil/F-PRI-S").text.contains("de esta fórmula")))

            // Once the suplente is no longer public, the link goes with it.
            try await PublicationTests.withdraw(db, "F-PAN-S", as: .cancelled)
            try await PublicationTests.rebuild(db, process)
            #expect(!(try await browser.get("/perfil/F-PAN-P").text.contains("de esta fórmula")))
        }
    }
}
