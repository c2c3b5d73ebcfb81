import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobQueue
import Storage
import Testing
import TestSupport

/// The one modification after publication, walked through the site's own routes by the
/// people who take each step: the representative requests it, staff approve it, the
/// representative edits and sends it, staff verify and publish it again. The public profile
/// keeps the first version until the republication, then shows the new one.
@Suite("Modification after publication: the whole path over HTTP")
struct ModificationFlowTests {
    @Test func publishRequestApproveEditSendReverifyRepublish() async throws {
        try await CaptureTests().withSite { site in
            let browser = site.browser, id = site.panA.id, process = site.context.process
            _ = try await WebFixtures.staffAccount(site.db, .transparencyStaff, username: "ana.staff")
            let original = "Fui maestra rural veinte años en Los Altos de Jalisco " + CaptureTests.text(40)
            let corrected = "Dirigí una cooperativa de mujeres artesanas en Tlaquepaque " + CaptureTests.text(40)

            // A complete profile, captured and authorized through the portal.
            try await browser.signIn("rep.pan")
            #expect(try await browser.post("/candidaturas/\(id)/aviso").status == .seeOther)
            var fields = CaptureTests.completeCurricular().map { $0.0 == "historia_profesional" ? ($0.0, original) : $0 }
            #expect(try await browser.post("/candidaturas/\(id)/curricular", fields).status == .seeOther)
            var withPhoto = try #require(try await site.questionnaires.curricular(for: id)).answers
            withPhoto.photo = CaptureTests.photo(site)
            try await site.questionnaires.saveCurricular(withPhoto, for: id, by: .system("test"))
            #expect(try await browser.post("/candidaturas/\(id)/identidad", CaptureTests.completeIdentity()).status == .seeOther)
            #expect(try await site.state(of: site.panA) == .complete)
            #expect(try await browser.post("/candidaturas/\(id)/autorizar").status == .ok)
            _ = try await browser.post("/salir")

            // Staff verify and publish it.
            try await browser.signIn("ana.staff")
            #expect(try await browser.post("/instancia/candidaturas/\(id)/verificar", [("publicar", "si")]).status == .seeOther)
            try await PublicationRefreshTests.refresh(site.db, process, id)
            #expect(try await browser.get("/perfil/\(id)").text.contains("Fui maestra rural"))
            _ = try await browser.post("/salir")

            // The representative asks for the one modification.
            try await browser.signIn("rep.pan")
            #expect(try await browser.post("/candidaturas/\(id)/modificacion", [("motivo", "Corregir la historia profesional")]).status == .ok)
            #expect(try await site.state(of: site.panA) == .modificationRequested)
            // Sending before the approval is refused and changes nothing.
            #expect(try await browser.post("/candidaturas/\(id)/modificacion/enviar").status == .conflict)
            _ = try await browser.post("/salir")

            // Staff approve it.
            try await browser.signIn("ana.staff")
            let request = try #require(
                try await ProfileWorkflowRepository(client: site.db.client, logger: TestDatabase.logger)
                    .modificationRequests(for: id).last)
            #expect(try await browser.post("/instancia/modificaciones/\(request.id)/aprobar").status == .seeOther)
            #expect(try await site.state(of: site.panA) == .modifying)
            _ = try await browser.post("/salir")

            // The representative sees the step, edits, and cannot send an incomplete profile.
            try await browser.signIn("rep.pan")
            let overview = try await browser.get("/candidaturas/\(id)").text
            #expect(overview.contains("Modificación aprobada"))
            #expect(overview.contains("/candidaturas/\(id)/modificacion"))
            let incomplete = fields.map { $0.0 == "historia_profesional" ? ($0.0, "") : $0 }
            #expect(try await browser.post("/candidaturas/\(id)/curricular", incomplete).status == .seeOther)
            let page = try await browser.get("/candidaturas/\(id)/modificacion").text
            #expect(page.contains("id=\"enviar-modificacion\""))
            #expect(page.contains("Antes de enviarla, falta"))
            let refused = try await browser.post("/candidaturas/\(id)/modificacion/enviar")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("El perfil no está completo"))
            #expect(try await site.state(of: site.panA) == .modifying)

            fields = fields.map { $0.0 == "historia_profesional" ? ($0.0, corrected) : $0 }
            #expect(try await browser.post("/candidaturas/\(id)/curricular", fields).status == .seeOther)
            let sent = try await browser.post("/candidaturas/\(id)/modificacion/enviar")
            #expect(sent.status == .ok)
            #expect(sent.text.contains("Se envió la modificación"))
            #expect(try await site.state(of: site.panA) == .modificationSubmitted)
            // Sent once: a second send is refused.
            #expect(try await browser.post("/candidaturas/\(id)/modificacion/enviar").status == .conflict)
            _ = try await browser.post("/salir")

            // Until it is verified and published again, the public profile keeps the first version.
            try await PublicationRefreshTests.refresh(site.db, process, id)
            let meanwhile = try await browser.get("/perfil/\(id)").text
            #expect(meanwhile.contains("Fui maestra rural") && !meanwhile.contains("cooperativa de mujeres"))

            // Staff see the change, re-verify and republish.
            try await browser.signIn("ana.staff")
            let review = try await browser.get("/instancia/candidaturas/\(id)").text
            #expect(review.contains("cooperativa"))
            #expect(try await browser.post("/instancia/candidaturas/\(id)/verificar", [("publicar", "si")]).status == .seeOther)
            #expect(try await site.state(of: site.panA) == .republished)
            try await PublicationRefreshTests.refresh(site.db, process, id)
            let after = try await browser.get("/perfil/\(id)").text
            #expect(after.contains("cooperativa de mujeres") && !after.contains("Fui maestra rural"))
            #expect(
                try await ProfileWorkflowRepository(client: site.db.client, logger: TestDatabase.logger)
                    .modificationRequests(for: id).last?.status == .applied)
        }
    }

    @Test func onlyTheRepresentativeSendsTheModification() async throws {
        try await CaptureTests().withSite { site in
            let id = site.panA.id
            try await PublicationTests.publish(site.db, id)
            let workflows = ProfileWorkflowRepository(client: site.db.client, logger: TestDatabase.logger)
            try await workflows.apply(.requestModification, to: id, by: StaffTests.representative, observations: "Cambio")
            try await workflows.apply(.approveModification, to: id, by: StaffTests.staff)
            try await site.browser.signIn("cand.pan.a")
            let overview = try await site.browser.get("/candidaturas/\(id)").text
            #expect(overview.contains("avise a su representación"))
            #expect(try await site.browser.post("/candidaturas/\(id)/modificacion/enviar").status == .forbidden)
            #expect(try await site.state(of: site.panA) == .modifying)
        }
    }

    @Test func staffObservationsAreShownWhereTheCandidateAndTheRepresentativeWork() async throws {
        try await CaptureTests().withSite { site in
            let id = site.panA.id
            try await StaffTests.authorize(site.db, id)
            _ = try await WebFixtures.staffAccount(site.db, .transparencyStaff, username: "ana.staff")
            try await site.browser.signIn("ana.staff")
            let observations = "La foto no muestra el rostro de frente <b>corrija</b>"
            #expect(try await site.browser.post("/instancia/candidaturas/\(id)/devolver", [("observaciones", observations)]).status == .seeOther)
            _ = try await site.browser.post("/salir")
            try await WebFixtures.acceptNotice(site.db, id)
            for username in ["cand.pan.a", "rep.pan"] {
                try await site.browser.signIn(username)
                for page in ["", "/curricular"] {
                    let text = try await site.browser.get("/candidaturas/\(id)\(page)").text
                    #expect(text.contains("Observaciones de la instancia interna"), "\(username) \(page)")
                    #expect(text.contains("La foto no muestra el rostro de frente &lt;b&gt;corrija&lt;/b&gt;"), "\(username) \(page)")
                    #expect(text.contains("<details class=\"observaciones\" open>"), "open while the profile is returned")
                }
                _ = try await site.browser.post("/salir")
            }
            // Another candidacy's pages do not show them.
            try await site.browser.signIn("rep.pan")
            #expect(!(try await site.browser.get("/candidaturas/\(site.panB.id)").text.contains("rostro de frente")))
        }
    }
}
