import ConocelesConfig
import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// An electoral body whose process has no districts (only municipal offices): no page or API
/// may crash on a district parameter, and a district-scope office needs districts.
@Suite("A process with no districts")
struct MunicipalOnlyProcessTests {
    static func municipalOnly() throws -> ElectionProcess {
        var process = try jalisco()
        process.districts = 0
        process.offices = process.offices.filter { $0.scope == .municipality }
        return process
    }

    @Test func everyPublicPageAnswersADistrictParameterWithoutCrashing() async throws {
        let process = try Self.municipalOnly()
        #expect(!process.offices.isEmpty)
        #expect(process.districtNumbers.isEmpty && !process.hasDistrict(1) && !process.hasDistrict(0))
        try await TestDatabase.with { db in
            let office = try #require(process.offices.first)
            let candidacy = WebFixtures.candidacy("M-1", party: "PAN", office: office.code, municipality: "039", name: "Alcaldesa Municipal")
            try await WebFixtures.seed(db, process, [candidacy])
            _ = try await WebFixtures.representativeAccount(db, party: "PAN", username: "rep.pan")
            let app = Application(router: WebApplication.buildRouter(context: testContext(db, process)))
            try await app.test(.router) { client in
                let browser = Browser(client)
                for uri in [
                    "/candidaturas-publicas?distrito=1", "/candidaturas-publicas?distrito=0", "/candidaturas-publicas?distrito=-3",
                    "/api/v1/publico/candidaturas?distrito=1", "/mi-boleta?municipio=039&distrito=1", "/mi-boleta?distrito=2",
                    "/candidaturas-publicas", "/estadisticas", "/comparar?id=M-1",
                ] {
                    let response = try await browser.get(uri)
                    #expect(response.status.code < 500, "\(uri): \(response.status)")
                }
                #expect(try await browser.get("/mi-boleta?municipio=039&distrito=1").text.contains("no tiene distritos locales"))
                try await browser.signIn("rep.pan")
                #expect(try await browser.get("/candidaturas?distrito=1").status == .ok)
            }
        }
    }

    @Test func aDistrictOfficeInAProcessWithoutDistrictsIsRefused() throws {
        var process = try jalisco()
        process.districts = 0
        let office = try #require(process.offices.first { $0.scope == .district })
        let candidacy = WebFixtures.candidacy("D-1", party: "PAN", office: office.code, district: 1, name: "Diputada Distrital")
        #expect(candidacy.inconsistencies(with: process, catalogs: jaliscoCatalogs).contains { $0 == .invalidDistrict(1) })
    }
}
