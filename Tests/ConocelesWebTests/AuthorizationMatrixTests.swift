import ConocelesCore
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// Every route of the site against every role and against another party's record ids: each
/// either allowed or refused (403 when signed in, a redirect to sign-in when not), and a
/// refusal shows nothing of the record. The policy table must name every route the router
/// has, so a new route without a decided policy fails here.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// Who may use a route.
    enum Access: Equatable {
        /// Anyone, signed in or not.
        case anyone
        /// The signed API (HMAC), no session.
        case api
        /// The metrics' bearer token or an allowed address, never a session (`MetricsAccessTests`).
        case monitoring
        /// Any signed-in account.
        case signedIn
        /// The candidate of the candidacy in `{id}` and the representative of its entity.
        case capture
        /// The candidate only, on its own candidacy in `{id}` (consent to publish identity
        /// answers: the data's owner decides, never a party).
        case owner
        /// The representative only, on its own entity's candidacy in `{id}`.
        case representative
        /// Any representative (its area; the records shown are its entity's).
        case representatives
        /// Staff of the transparency office.
        case staff
        /// Staff of the transparency office and of gender equality (signed consent forms).
        case consentForms
        /// Staff of the transparency office and IT (accounts).
        case accounts
        /// Staff of the transparency office and of gender equality (compliance dashboard).
        case compliance
        /// IT staff only (jobs dashboard).
        case it
        /// Staff of the transparency office and of gender equality (progress reports).
        case reports
        /// Gender-equality staff only (the final report's qualitative section: sensitive free texts).
        case genderEquality
    }

    /// The policy of every route, `METHOD path` as the router names it.
    static let policy: [String: Access] = [
        "GET /": .anyone,
        "GET /health": .anyone,
        "GET /health/ready": .anyone,
        "GET /metrics": .monitoring,
        "POST /api/v1/events": .api,
        "GET /activar": .anyone, "POST /activar": .anyone,
        "GET /entrar": .anyone, "POST /entrar": .anyone, "POST /salir": .anyone,
        "GET /recuperar": .anyone, "POST /recuperar": .anyone,
        "GET /restablecer": .anyone, "POST /restablecer": .anyone,
        "GET /inicio": .signedIn,
        "GET /aviso-de-privacidad": .anyone, "GET /aviso-de-privacidad-simplificado": .anyone,
        "GET /ayuda": .anyone,
        // Capture portal: the candidate's own profile, the representative's entity's.
        "GET /candidaturas/{id}": .capture,
        "GET /candidaturas/{id}/aviso": .capture, "POST /candidaturas/{id}/aviso": .capture,
        "GET /candidaturas/{id}/curricular": .capture, "POST /candidaturas/{id}/curricular": .capture,
        "GET /candidaturas/{id}/identidad": .capture, "POST /candidaturas/{id}/identidad": .capture,
        "POST /candidaturas/{id}/curricular/descartar": .capture, "POST /candidaturas/{id}/identidad/descartar": .capture,
        // Extends the caller's own session; without one it answers 401 and shows nothing.
        "POST /sesion/extender": .anyone,
        // Consent to publish identity answers: both read it, only the candidate decides it.
        "GET /candidaturas/{id}/consentimiento": .capture, "POST /candidaturas/{id}/consentimiento": .owner,
        // The representative's area.
        "GET /candidaturas": .representatives,
        "GET /candidaturas/plantilla.csv": .representatives,
        "GET /candidaturas/carga": .representatives, "POST /candidaturas/carga": .representatives,
        "POST /candidaturas/autorizar": .representatives,
        "POST /candidaturas/{id}/autorizar": .representative,
        "GET /candidaturas/{id}/modificacion": .representative, "POST /candidaturas/{id}/modificacion": .representative,
        "POST /candidaturas/{id}/modificacion/enviar": .representative,
        // The transparency office.
        "GET /instancia/verificacion": .staff,
        "GET /instancia/candidaturas/{id}": .staff,
        "GET /instancia/candidaturas/{id}/bitacora": .staff,
        "GET /instancia/candidaturas/{id}/foto": .staff,
        "POST /instancia/candidaturas/{id}/devolver": .staff,
        "POST /instancia/candidaturas/{id}/verificar": .staff,
        "POST /instancia/candidaturas/{id}/publicar": .staff,
        "GET /instancia/modificaciones": .staff,
        "POST /instancia/modificaciones/{id}/aprobar": .staff, "POST /instancia/modificaciones/{id}/rechazar": .staff,
        "GET /instancia/cuentas": .accounts,
        "POST /instancia/cuentas/emitir": .accounts,
        "POST /instancia/cuentas/reenviar-pendientes": .accounts,
        "POST /instancia/cuentas/{accountID}/reenviar": .accounts,
        "POST /instancia/cuentas/{accountID}/correo": .accounts,
        "GET /candidaturas/{id}/foto": .capture, "POST /candidaturas/{id}/foto": .capture,
        "GET /candidaturas/{id}/foto/vista": .capture,
        "GET /candidaturas/{id}/consentimiento-expreso": .capture, "POST /candidaturas/{id}/consentimiento-expreso": .capture,
        "GET /instancia/consentimientos": .consentForms,
        "GET /instancia/consentimientos/archivo": .consentForms,
        "GET /instancia/consentimientos/{document}/documento.pdf": .consentForms,
        "POST /instancia/consentimientos/{document}/recibir": .consentForms,
        "POST /instancia/consentimientos/{document}/rechazar": .consentForms,
        "GET /instancia/informes": .reports,
        "GET /instancia/eventos-rechazados": .accounts,
        "GET /instancia/eventos-rechazados/{eventID}": .accounts,
        "POST /instancia/eventos-rechazados/{eventID}/corregir": .accounts,
        "POST /instancia/informes/generar": .reports,
        "GET /instancia/informes/{report}": .reports,
        "GET /instancia/informe-cualitativo": .genderEquality,
        "GET /instancia/informe-cualitativo.csv": .genderEquality,
        // Publication: the public portal, open data and API; the staff's rebuild.
        "GET /candidaturas-publicas": .anyone, "GET /perfil/{id}": .anyone, "GET /perfil/{id}/foto.jpg": .anyone,
        "GET /cumplimiento": .anyone,
        "GET /datos-abiertos": .anyone, "GET /datos-abiertos/candidaturas.csv": .anyone,
        "GET /datos-abiertos/candidaturas.json": .anyone, "GET /datos-abiertos/estadisticas-identidad.csv": .anyone,
        "GET /api/v1/publico/candidaturas": .anyone, "GET /api/v1/publico/candidaturas/{id}": .anyone,
        "GET /api/v1/publico/estadisticas": .anyone, "GET /estadisticas": .anyone, "GET /comparar": .anyone, "GET /mi-boleta": .anyone,
        "POST /instancia/publicacion/reconstruir": .staff,
        // Monitoring: compliance (transparency, gender equality), jobs (IT).
        "GET /instancia/cumplimiento": .compliance,
        "GET /instancia/cumplimiento.csv": .compliance,
        "GET /instancia/cumplimiento/candidaturas": .compliance,
        "GET /instancia/trabajos": .it,
        "POST /instancia/trabajos/{jobID}/reintentar": .it,
        "POST /instancia/trabajos/{jobID}/cancelar": .it,
    ]

    /// The signed-in actors (nil: anonymous) and the candidacy each owns.
    enum Actor: String, CaseIterable, Sendable {
        case anonymous, candidate, representativePAN, representativePRI, staff, genderEquality, it

        var username: String? {
            switch self {
            case .anonymous: nil
            case .candidate: "cand-pan"
            case .representativePAN: "rep-pan"
            case .representativePRI: "rep-pri"
            case .staff: "staff-transparencia"
            case .genderEquality: "staff-igualdad"
            case .it: "staff-informatica"
            }
        }

        /// Whether the candidacy is the actor's own (its data may appear on any of its pages).
        func owns(_ id: String) -> Bool {
            ((self == .candidate || self == .representativePAN) && id == "PAN-1") || (self == .representativePRI && id == "PRI-1")
        }

        /// Whether the actor may use a route of `access` on candidacy `id` (PAN-1 or PRI-1).
        func allowed(_ access: Access, candidacy id: String) -> Bool {
            switch access {
            case .anyone, .api, .monitoring: true
            case .signedIn: self != .anonymous
            case .capture:
                (self == .candidate && id == "PAN-1") || (self == .representativePAN && id == "PAN-1")
                    || (self == .representativePRI && id == "PRI-1")
            case .owner: self == .candidate && id == "PAN-1"
            case .representative:
                (self == .representativePAN && id == "PAN-1") || (self == .representativePRI && id == "PRI-1")
            case .representatives: self == .representativePAN || self == .representativePRI
            case .staff: self == .staff
            case .consentForms: self == .staff || self == .genderEquality
            case .accounts: self == .staff || self == .it
            case .compliance: self == .staff || self == .genderEquality
            case .it: self == .it
            case .reports: self == .staff || self == .genderEquality
            case .genderEquality: self == .genderEquality
            }
        }
    }

    /// A name that appears only in the PAN candidacy's records (and one only in PRI's).
    static let secretPAN = "Nombre Reservado Panista", secretPRI = "Nombre Reservado Priista"

    @Test func everyRouteHasAPolicy() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let router = WebApplication.buildRouter(context: testContext(db, process))
            let routes = Set(router.routes.map { "\($0.method) \($0.path)" })
            #expect(routes.subtracting(Self.policy.keys).sorted() == [], "routes without a policy in this table")
            #expect(Set(Self.policy.keys).subtracting(routes).sorted() == [], "policies for routes that no longer exist")
        }
    }

    @Test func everyRoleAgainstEveryRouteAndRecord() async throws {
        let process = try jalisco()
        try await TestDatabase.with { db async throws in
            let pan = WebFixtures.candidacy("PAN-1", party: "PAN", name: Self.secretPAN)
            let pri = WebFixtures.candidacy("PRI-1", party: "PRI", name: Self.secretPRI)
            try await WebFixtures.seed(db, process, [pan, pri])
            try await WebFixtures.candidateAccount(db, for: pan, username: "cand-pan")
            try await WebFixtures.representativeAccount(db, party: "PAN")
            try await WebFixtures.representativeAccount(db, party: "PRI")
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "staff-transparencia")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "staff-igualdad")
            try await WebFixtures.staffAccount(db, .itStaff, username: "staff-informatica")
            let router = WebApplication.buildRouter(context: testContext(db, process))
            let routes = router.routes.map { (method: $0.method, path: "\($0.path)") }
            let app = Application(router: router)
            try await app.test(.router) { client in
                var failures: [String] = []
                for actor in Actor.allCases {
                    let browser = Browser(client)
                    if let username = actor.username {
                        let signedIn = try await browser.signIn(username)
                        try #require(signedIn.status == .seeOther, "\(actor) could not sign in")
                    }
                    for route in routes {
                        let access = try #require(Self.policy["\(route.method) \(route.path)"])
                        guard access != .anyone, access != .api, access != .monitoring else { continue }
                        for candidacy in ["PAN-1", "PRI-1"] {
                            let uri = Self.concrete(route.path, candidacy: candidacy)
                            let response = route.method == .post ? try await browser.post(uri, []) : try await browser.get(uri)
                            let allowed = actor.allowed(access, candidacy: candidacy)
                            let label = "\(actor) \(route.method) \(uri)"
                            if allowed {
                                if response.status == .forbidden || response.location?.hasPrefix("/entrar") == true {
                                    failures.append("\(label): refused (\(response.status.code)) but should be allowed")
                                }
                            } else {
                                let expected: HTTPResponse.Status = actor == .anonymous ? .seeOther : .forbidden
                                if response.status != expected || (actor == .anonymous && response.location?.hasPrefix("/entrar") != true) {
                                    failures.append("\(label): \(response.status.code) but should be refused with \(expected.code)")
                                }
                                let secret = candidacy == "PAN-1" ? Self.secretPAN : Self.secretPRI
                                if !actor.owns(candidacy), response.text.contains(secret) { failures.append("\(label): the refusal shows the record's data") }
                            }
                        }
                    }
                }
                #expect(failures == [])
            }
        }
    }

    /// `path` with its parameters filled in: `{id}` with `candidacy`, other ids with values
    /// that name no record (authorization must refuse before any lookup).
    static func concrete(_ path: String, candidacy: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            switch part {
            case "{id}": candidacy
            case _ where part.hasPrefix("{"): "00000000-0000-0000-0000-000000000000"
            default: String(part)
            }
        }.joined(separator: "/")
    }
}
