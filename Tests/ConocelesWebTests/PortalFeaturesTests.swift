import CompressNIO
import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TestSupport

/// The public portal's features on top of the snapshot: home, compare, "Mi boleta",
/// statistics (page and API), HTTP caching (ETag, Last-Modified, 304) and gzip.
@Suite("Public portal features")
struct PortalFeaturesTests {
    static let payload = PublicationTests.payload

    func withSite(_ candidacies: [Candidacy], _ body: @Sendable @escaping (Browser, Database, ElectionProcess) async throws -> Void) async throws {
        try await PublicationTests().withSite(candidacies, body)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
    }

    // MARK: Home

    @Test func theHomePageHasASearchBoxAndLinksEveryPublicPage() async throws {
        try await withSite([]) { browser, _, _ in
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains(#"<form method="get" action="/candidaturas-publicas" role="search""#))
            #expect(home.text.contains(#"name="nombre""#))
            for href in ["/candidaturas-publicas", "/estadisticas", "/mi-boleta", "/cumplimiento", "/datos-abiertos"] {
                #expect(home.text.contains("href=\"\(href)\""), "\(href)")
            }
            #expect(home.text.contains("2 de junio de 2024"))
        }
    }

    // MARK: Compare

    @Test func searchResultsOfferCompareAndTheComparisonShowsThemSideBySide() async throws {
        let first = WebFixtures.candidacy("C-UNO", party: "PAN", name: "Aurelia Núñez Quintero")
        let second = WebFixtures.candidacy("C-DOS", party: "PRI", name: "Bernardo Salas Ochoa \(Self.payload)")
        try await withSite([first, second]) { browser, db, process in
            try await PublicationTests.publish(db, first.id)
            try await PublicationTests.rebuild(db, process)
            let search = try await browser.get("/candidaturas-publicas?cargo=GUB").text
            #expect(search.contains(#"<form method="get" action="/comparar""#))
            #expect(search.contains(#"name="id" value="C-UNO""#))
            #expect(search.contains(#"name="id" value="C-DOS""#))
            #expect(search.contains(#"<label for="comparar-C-UNO""#))
            // Each row says whether it is the formula's proprietor or its substitute.
            #expect(search.contains("Gubernatura · Propietaria/o ·") || search.contains("· Propietaria/o ·"))

            let compare = try await browser.get("/comparar?id=C-UNO&id=C-DOS")
            #expect(compare.status == .ok)
            #expect(compare.text.contains("Aurelia Núñez Quintero"))
            #expect(compare.text.contains("Bernardo Salas Ochoa &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!compare.text.contains("<script>alert"))
            #expect(!search.contains("<script>alert"))
            #expect(compare.text.contains("Trabajé veinte años como maestra rural"))
            #expect(compare.text.contains("Regidora de 2015 a 2018"))
            #expect(compare.text.contains(PublishedProfile.noInformationMark))
            #expect(compare.text.contains("Partido Revolucionario Institucional"))
            #expect(compare.text.contains(#"<th scope="row">Propuesta 1</th>"#))
            // The first column is the first id.
            let aurelia = try #require(compare.text.range(of: "Aurelia Núñez Quintero"))
            let bernardo = try #require(compare.text.range(of: "Bernardo Salas Ochoa"))
            #expect(aurelia.lowerBound < bernardo.lowerBound)
        }
    }

    @Test func compareRefusesBadSelectionsWithASpanishMessage() async throws {
        let candidacies = [
            WebFixtures.candidacy("C-G1", party: "PAN", name: "Gobernadora Uno"),
            WebFixtures.candidacy("C-G2", party: "PRI", name: "Gobernadora Dos"),
            WebFixtures.candidacy("C-G3", party: "MC", name: "Gobernadora Tres"),
            WebFixtures.candidacy("C-G4", party: "PT", name: "Gobernadora Cuatro"),
            WebFixtures.candidacy("C-D1", party: "PAN", office: "DIP_MR", district: 9, name: "Diputada Nueve"),
            WebFixtures.candidacy("C-D2", party: "PRI", office: "DIP_MR", district: 10, name: "Diputada Diez"),
            WebFixtures.candidacy("C-D3", party: "MC", office: "DIP_MR", district: 9, name: "Diputada Otra Nueve"),
        ]
        try await withSite(candidacies) { browser, db, process in
            try await PublicationTests.rebuild(db, process)
            let three = try await browser.get("/comparar?id=C-G1&id=C-G2&id=C-G3")
            #expect(three.status == .ok)
            #expect(try await browser.get("/comparar?id=C-D1&id=C-D3").status == .ok, "two candidacies for the same district")
            for (uri, expected) in [
                ("/comparar", "dos o tres candidaturas"),
                ("/comparar?id=C-G1", "dos o tres candidaturas"),
                ("/comparar?id=C-G1&id=C-G1", "dos o tres candidaturas"),
                ("/comparar?id=C-G1&id=C-G2&id=C-G3&id=C-G4", "como máximo 3"),
                ("/comparar?id=C-G1&id=NO-EXISTE", "no existe"),
                ("/comparar?id=C-G1&id=C-D1", "mismo cargo"),
                ("/comparar?id=C-D1&id=C-D2", "mismo puesto"),
                ("/comparar?id=C-G1&id=\(queryValue(Self.payload))", "no existe"),
                ("/comparar?id=C-G1&id=\(String(repeating: "x", count: 500))", "no existe"),
            ] {
                let response = try await browser.get(uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.text.contains(expected), "\(uri)")
                #expect(!response.text.contains("<script>alert"), "\(uri)")
            }
        }
    }

    // MARK: Mi boleta

    static func ballotCandidacies() -> [Candidacy] {
        var list = WebFixtures.candidacy("C-RP", party: "MC", office: "DIP_RP", name: "Regina Plurinominal Uno")
        list.listPosition = 1
        return [
            WebFixtures.candidacy("C-GUB", party: "PAN", name: "Gabriela Gubernatura"),
            WebFixtures.candidacy("C-MR9", party: "PRI", office: "DIP_MR", district: 9, name: "Mario Distrito Nueve"),
            WebFixtures.candidacy("C-MR3", party: "PRI", office: "DIP_MR", district: 3, name: "Marta Distrito Tres"),
            list,
            WebFixtures.candidacy("C-PM39", party: "MORENA", office: "PM", municipality: "039", name: "Pedro Guadalajara \(payload)"),
            WebFixtures.candidacy("C-PM120", party: "MORENA", office: "PM", municipality: "120", name: "Paula Zapopan"),
            WebFixtures.candidacy("C-REG39", party: "PAN", office: "REG", municipality: "039", name: "Rosa Regidora Tapatía"),
        ]
    }

    @Test func miBoletaListsEveryOfficeOfAMunicipalityAndDistrict() async throws {
        try await withSite(Self.ballotCandidacies()) { browser, db, process in
            try await PublicationTests.publish(db, "C-GUB")
            try await PublicationTests.rebuild(db, process)
            let form = try await browser.get("/mi-boleta")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"<option value="039">Guadalajara</option>"#))
            #expect(form.text.contains(#"<option value="20">Distrito 20</option>"#))
            #expect(!form.text.contains("Gabriela Gubernatura"))

            let ballot = try await browser.get("/mi-boleta?municipio=039&distrito=9")
            #expect(ballot.status == .ok)
            let text = ballot.text
            #expect(text.contains("Su boleta: Guadalajara, distrito local 9"))
            for office in process.offices { #expect(text.contains(office.name), "\(office.code)") }
            for name in ["Gabriela Gubernatura", "Mario Distrito Nueve", "Regina Plurinominal Uno", "Rosa Regidora Tapatía"] {
                #expect(text.contains(name), "\(name)")
            }
            #expect(text.contains("Pedro Guadalajara &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!text.contains("<script>alert"))
            #expect(!text.contains("Marta Distrito Tres"))
            #expect(!text.contains("Paula Zapopan"))
            #expect(text.contains(PublishedProfile.noInformationMark))
            #expect(text.contains(#"<option value="039" selected>Guadalajara</option>"#))

            let noMunicipality = try await browser.get("/mi-boleta?distrito=9")
            #expect(noMunicipality.status == .ok)
            #expect(noMunicipality.text.contains("Elija también su municipio"))
            #expect(!noMunicipality.text.contains("Gabriela Gubernatura"))
            let noDistrict = try await browser.get("/mi-boleta?municipio=039")
            #expect(noDistrict.status == .ok)
            #expect(noDistrict.text.contains("Elija también su distrito local"))
            #expect(!noDistrict.text.contains("Gabriela Gubernatura"))
            let unknown = try await browser.get("/mi-boleta?municipio=999&distrito=9")
            #expect(unknown.status == .badRequest)
            #expect(unknown.text.contains("Elija un municipio de la lista"))
            #expect(unknown.text.contains(#"aria-invalid="true" aria-describedby="municipio-error""#))
            let badDistrict = try await browser.get("/mi-boleta?municipio=039&distrito=99")
            #expect(badDistrict.status == .badRequest)
            #expect(badDistrict.text.contains("1 a 20"))
        }
    }

    // MARK: Profile

    @Test func theProfileOffersReadingAloudAndShowsItsPublicHistory() async throws {
        let candidacy = WebFixtures.candidacy("C-HIST", party: "PAN", name: "Hilda Historia")
        try await withSite([candidacy]) { browser, db, process in
            try await PublicationTests.publish(db, candidacy.id)
            try await PublicationTests.rebuild(db, process)
            let first = try await browser.get("/perfil/C-HIST").text
            // The button ships hidden; conoceles.js shows it only where speech synthesis exists.
            #expect(
                first.contains(
                    #"<button type="button" class="secundario" id="escuchar-perfil" data-escuchar="perfil" data-detener="Detener la lectura" hidden>Escuchar perfil</button>"#
                ))
            #expect(first.contains(#"<article class="perfil" id="perfil">"#))
            let script = try await browser.get("/estatico/conoceles.js").text
            #expect(script.contains("speechSynthesis"))
            #expect(script.contains(#""es-MX""#))
            #expect(script.contains("button.hidden = false"))
            #expect(try await browser.get("/estatico/conoceles.css").text.contains("@media print"))
            let today = SpanishDates.today(timeZone: process.timeZone).spanishDescription
            #expect(first.contains("<h2>Historial de publicación</h2>"))
            #expect(first.contains("<dt>Publicado el</dt><dd>\(today)</dd>"))
            #expect(!first.contains("Modificación aplicada el"))

            // Its one modification, applied and republished: both dates, no times.
            let workflows = StaffTests.workflows(db)
            try await workflows.apply(.requestModification, to: candidacy.id, by: StaffTests.representative, observations: "Cambió de empleo")
            try await workflows.apply(.approveModification, to: candidacy.id, by: StaffTests.staff)
            try await StaffTests.questionnaires(db).saveCurricular(
                StaffTests.curricular(history: "Ahora directora rural en Tepatitlán"),
                for: candidacy.id, by: AuditActor(StaffTests.representative))
            try await workflows.apply(.submitModification, to: candidacy.id, by: StaffTests.representative, completeness: CompletenessReport())
            try await workflows.apply(.reverify, to: candidacy.id, by: StaffTests.staff)
            try await workflows.apply(.republish, to: candidacy.id, by: StaffTests.staff)
            try await PublicationTests.rebuild(db, process)
            let modified = try await browser.get("/perfil/C-HIST").text
            #expect(modified.contains("Ahora directora rural en Tepatitlán"))
            #expect(modified.contains("<dt>Publicado el</dt><dd>\(today)</dd>"))
            #expect(modified.contains("<dt>Modificación aplicada el</dt><dd>\(today)</dd>"))
        }
    }

    // MARK: Statistics

    @Test func statisticsShowTheFixtureCountsAsChartsTablesAndJSON() async throws {
        var older = WebFixtures.candidacy("C-E4", party: "PRI", name: "Ernesto Mayor")
        older.age = .years(67)
        let candidacies = [
            WebFixtures.candidacy("C-E1", party: "PAN", name: "Elena Uno"),
            WebFixtures.candidacy("C-E2", party: "PAN", name: "Elena Dos"),
            WebFixtures.candidacy("C-E3", party: "PAN", name: "Elena Tres"),
            older,
        ]
        try await withSite(candidacies) { browser, db, process in
            for id in ["C-E1", "C-E2", "C-E4"] { try await PublicationTests.publish(db, id) }
            try await PublicationTests.rebuild(db, process)

            let api = try await browser.get("/api/v1/publico/estadisticas")
            #expect(api.status == .ok)
            #expect(api.headers[.contentType] == "application/json; charset=utf-8")
            let body = try Self.json(api)
            let progress = try #require(body["avance_por_partido"] as? [[String: Any]])
            let pan = try #require(progress.first { $0["postula"] as? String == "Partido Acción Nacional" })
            #expect(pan["aprobadas"] as? Int == 3)
            #expect(pan["publicadas"] as? Int == 2)
            let pri = try #require(progress.first { $0["postula"] as? String == "Partido Revolucionario Institucional" })
            #expect(pri["aprobadas"] as? Int == 1)
            #expect(pri["publicadas"] as? Int == 1)
            let education = try #require(body["escolaridad"] as? [[String: Any]])
            #expect(education.first { $0["clave"] as? String == "licenciatura" }?["perfiles"] as? Int == 3)
            let ages = try #require(body["edad"] as? [[String: Any]])
            #expect(ages.first { $0["clave"] as? String == "45-59" }?["perfiles"] as? Int == 2)
            #expect(ages.first { $0["clave"] as? String == "60-mas" }?["perfiles"] as? Int == 1)
            let identity = try #require(body["identidad"] as? [[String: Any]])
            let office = try #require(identity.first { $0["dimension"] as? String == "cargo" })
            #expect(office["valor"] as? String == "Gubernatura")
            #expect(office["perfiles"] as? Int == 3)
            // Nobody answered the identity questionnaire: zeros are shown, nothing is reserved.
            let counts = try #require(office["conteos"] as? [String: Any])
            #expect(counts.count == IdentityGroup.allCases.count && counts.values.allSatisfy { $0 as? Int == 0 })
            #expect((office["reservados"] as? [Any])?.isEmpty == true)

            let page = try await browser.get("/estadisticas")
            #expect(page.status == .ok)
            let text = page.text
            #expect(
                text.components(separatedBy: #"<svg class="grafica" role="img" aria-labelledby="#).count - 1 == 3,
                "progress, education and age are drawn; identity counts are all zero")
            #expect(text.contains(#"<title id="grafica-avance-titulo">"#))
            #expect(text.contains(#"<desc id="grafica-avance-descripcion">Partido Acción Nacional: 2 de 3"#))
            #expect(text.contains(#"<tr><th scope="row">Partido Acción Nacional</th><td>3</td><td>2</td><td>67 %</td></tr>"#))
            #expect(text.contains(#"<tr><th scope="row">Licenciatura</th><td>3</td><td>100 %</td></tr>"#))
            #expect(text.contains(#"<tr><th scope="row">60 años o más</th><td>1</td><td>33 %</td></tr>"#))
            #expect(text.contains(StatisticsPageView.reserved))
            #expect(text.contains("<caption>Perfiles publicados que se identifican con cada grupo, por sexo</caption>"))
            #expect(!text.contains("Elena Uno"), "statistics never name a person")
        }
    }

    // MARK: HTTP caching

    @Test func publicResponsesCarryCacheHeadersAndAnswer304() async throws {
        let candidacy = WebFixtures.candidacy("C-CACHE", party: "PAN", name: "Carla Caché")
        let other = WebFixtures.candidacy("C-OTRA", party: "PRI", name: "Otra Candidata")
        try await withSite([candidacy, other]) { browser, db, process in
            try await PublicationTests.publish(db, candidacy.id)
            try await PublicationTests.rebuild(db, process)

            for uri in ["/api/v1/publico/estadisticas", "/api/v1/publico/candidaturas?nombre=carla", "/api/v1/publico/candidaturas/C-CACHE"] {
                let response = try await browser.get(uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.accessControlAllowOrigin] == "*", "\(uri)")
                #expect(response.headers[.cacheControl] == "public, max-age=60", "\(uri)")
                #expect(response.headers[.setCookie] == nil, "\(uri): an API response sets no cookie")
                let etag = try #require(response.headers[.eTag], "\(uri)")
                let lastModified = try #require(response.headers[.lastModified], "\(uri)")
                #expect(lastModified.hasSuffix(" GMT"))
                let cached = try await browser.send(uri, method: .get, headers: [.ifNoneMatch: etag], body: nil)
                #expect(cached.status == .notModified, "\(uri)")
                #expect(cached.body.readableBytes == 0)
                #expect(cached.headers[.eTag] == etag)
                #expect(cached.headers[.accessControlAllowOrigin] == "*")
                let weak = try await browser.send(uri, method: .get, headers: [.ifNoneMatch: "\"otra\", W/\(etag)"], body: nil)
                #expect(weak.status == .notModified, "\(uri)")
                let since = try await browser.send(uri, method: .get, headers: [.ifModifiedSince: lastModified], body: nil)
                #expect(since.status == .notModified, "\(uri)")
                let stale = try await browser.send(uri, method: .get, headers: [.ifNoneMatch: "\"v0-viejo\""], body: nil)
                #expect(stale.status == .ok, "\(uri)")
            }
            let missing = try await browser.get("/api/v1/publico/candidaturas/NO-EXISTE")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.accessControlAllowOrigin] == "*")
            #expect(missing.headers[.eTag] == nil)
            // The tag covers the query: another search is another resource.
            let carla = try await browser.get("/api/v1/publico/candidaturas?nombre=carla")
            let otra = try await browser.get("/api/v1/publico/candidaturas?nombre=otra")
            #expect(carla.headers[.eTag] != otra.headers[.eTag])

            // HEAD answers as GET without the body: same status and validators.
            let head = try await browser.send("/perfil/C-CACHE", method: .head, headers: [:], body: nil)
            let get = try await browser.get("/perfil/C-CACHE")
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.eTag] == get.headers[.eTag] && head.headers[.contentType] == get.headers[.contentType])
            #expect(try await browser.send("/perfil/NO-EXISTE", method: .head, headers: [:], body: nil).status == .notFound)

            // A first visit to a page without a form gets no CSRF cookie: shared caches may keep it.
            let firstVisit = try await Browser(browser.client).get("/estadisticas")
            #expect(firstVisit.headers[.setCookie] == nil)
            #expect(firstVisit.headers[.cacheControl] == "public, max-age=60")
            #expect(firstVisit.headers[.eTag] != nil)
            // A page with a form gives the first visitor its token.
            let signIn = try await Browser(browser.client).get("/entrar")
            #expect(signIn.headers[.setCookie]?.hasPrefix("conoceles_csrf=") == true)

            // Anonymous HTML pages: validators and Vary: Cookie.
            var tags: [String: String] = [:]
            for uri in [
                "/", "/candidaturas-publicas", "/perfil/C-CACHE", "/estadisticas", "/comparar?id=C-CACHE&id=C-OTRA",
                "/mi-boleta", "/cumplimiento", "/datos-abiertos", "/datos-abiertos/candidaturas.csv",
            ] {
                let response = try await browser.get(uri)
                #expect(response.status == .ok, "\(uri)")
                let etag = try #require(response.headers[.eTag], "\(uri)")
                #expect(response.headers[.cacheControl] == "public, max-age=60", "\(uri)")
                #expect(response.headers[.vary]?.contains("Cookie") == true, "\(uri)")
                #expect(response.headers[.lastModified] != nil, "\(uri)")
                #expect(try await browser.send(uri, method: .get, headers: [.ifNoneMatch: etag], body: nil).status == .notModified, "\(uri)")
                tags[uri] = etag
            }
            // A 400 page gets no validators.
            #expect(try await browser.get("/comparar?id=C-CACHE").headers[.eTag] == nil)

            // A new snapshot changes every tag.
            try await PublicationTests.publish(db, other.id)
            try await PublicationTests.rebuild(db, process)
            for (uri, etag) in tags {
                let response = try await browser.send(uri, method: .get, headers: [.ifNoneMatch: etag], body: nil)
                #expect(response.status == .ok, "\(uri) after a rebuild")
                #expect(response.headers[.eTag] != etag, "\(uri)")
            }

            // Signed in, the page shows the account's menu: no validators, never a 304.
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.cache")
            let anonymous = try #require(try await browser.get("/estadisticas").headers[.eTag])
            try await browser.signIn("ana.cache")
            let signedIn = try await browser.send("/estadisticas", method: .get, headers: [.ifNoneMatch: anonymous], body: nil)
            #expect(signedIn.status == .ok)
            #expect(signedIn.headers[.eTag] == nil)
            #expect(signedIn.headers[.cacheControl] == "no-store")
            #expect(signedIn.text.contains("Salir"))
        }
    }

    @Test func beforeTheFirstRebuildPagesAnswerWithoutValidators() async throws {
        try await withSite([]) { browser, _, _ in
            for uri in ["/", "/estadisticas", "/mi-boleta", "/api/v1/publico/estadisticas"] {
                let response = try await browser.get(uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.eTag] == nil, "\(uri)")
            }
            let statistics = try Self.json(try await browser.get("/api/v1/publico/estadisticas"))
            #expect(statistics["version"] as? Int == 0)
            #expect((statistics["avance_por_partido"] as? [Any])?.isEmpty == true)
        }
    }

    // MARK: Compression

    @Test func textResponsesAreGzippedAndDecompressToTheSameBytes() async throws {
        let candidacy = WebFixtures.candidacy("C-GZ", party: "PAN", name: "Gabriela Comprimida")
        try await withSite([candidacy]) { browser, db, process in
            let history = String(repeating: "Maestra rural en Los Altos de Jalisco durante veinte años. ", count: 20)
            try await PublicationTests.publish(db, candidacy.id, StaffTests.curricular(history: history))
            try await PublicationTests.rebuild(db, process)
            for uri in [
                "/datos-abiertos", "/estadisticas", "/datos-abiertos/candidaturas.csv", "/api/v1/publico/candidaturas",
                "/estatico/conoceles.css", "/estatico/conoceles.js",
            ] {
                let plain = try await browser.get(uri)
                #expect(plain.headers[.contentEncoding] == nil, "\(uri)")
                #expect(plain.headers[.vary]?.contains("Accept-Encoding") == true, "\(uri)")
                #expect(plain.body.readableBytes >= CompressionMiddleware<WebRequestContext>.minimumSize, "\(uri)")
                let gzipped = try await browser.send(uri, method: .get, headers: [.acceptEncoding: "gzip, deflate, br"], body: nil)
                #expect(gzipped.status == .ok, "\(uri)")
                #expect(gzipped.headers[.contentEncoding] == "gzip", "\(uri)")
                #expect(gzipped.headers[.vary]?.contains("Accept-Encoding") == true, "\(uri)")
                #expect(gzipped.body.readableBytes < plain.body.readableBytes, "\(uri)")
                var compressed = gzipped.body
                let decompressed = try compressed.decompress(with: .gzip)
                #expect(String(buffer: decompressed) == plain.text, "\(uri)")
                if let etag = plain.headers[.eTag] {
                    #expect(gzipped.headers[.eTag] == (etag.hasPrefix("W/") ? etag : "W/\(etag)"), "\(uri)")
                }
            }
            // Small bodies, refused gzip and non-text types go as they are.
            let small = try await browser.send("/health", method: .get, headers: [.acceptEncoding: "gzip"], body: nil)
            #expect(small.headers[.contentEncoding] == nil)
            #expect(small.text == "ok\n")
            let refused = try await browser.send("/estadisticas", method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"], body: nil)
            #expect(refused.headers[.contentEncoding] == nil)
            #expect(refused.text.contains("<h1>Estadísticas</h1>"))
        }
    }

    @Test func acceptEncodingAndContentTypesAreReadAsHTTPSays() {
        typealias Middleware = CompressionMiddleware<WebRequestContext>
        #expect(Middleware.acceptsGzip("gzip"))
        #expect(Middleware.acceptsGzip("deflate, gzip;q=0.5"))
        #expect(Middleware.acceptsGzip("*"))
        #expect(!Middleware.acceptsGzip("gzip;q=0"))
        #expect(!Middleware.acceptsGzip("br, deflate"))
        #expect(!Middleware.acceptsGzip(nil))
        #expect(Middleware.isCompressible("text/html; charset=utf-8"))
        #expect(Middleware.isCompressible("application/json; charset=utf-8"))
        #expect(Middleware.isCompressible("text/csv; charset=utf-8"))
        #expect(Middleware.isCompressible("image/svg+xml"))
        #expect(!Middleware.isCompressible("image/jpeg"))
        #expect(!Middleware.isCompressible(nil))
    }

    @Test func httpDatesRoundTrip() {
        let date = Date(timeIntervalSince1970: 784_111_777)
        #expect(PublicCacheMiddleware.httpDate(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(PublicCacheMiddleware.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(PublicCacheMiddleware.parseHTTPDate("domingo") == nil)
    }
}
