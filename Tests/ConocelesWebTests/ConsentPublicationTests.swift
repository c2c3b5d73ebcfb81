import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import JobQueue
import Storage
import Testing
import TestSupport

/// The consent to publish identity answers: only the candidate's own account gives or
/// revokes it (the representative reads it); an independent candidacy's answers go public
/// only with its signed express-consent form, received by staff; and every change, by
/// whoever records it, refreshes the public profile in the same transaction, so the
/// answers appear on (or leave) the profile, the public API and the JSON open data with
/// that one refresh. The INE CSV never carries identity answers.
@Suite("Consent: its owner decides, every change refreshes the public outputs")
struct ConsentPublicationTests {
    /// The answer only a consenting profile shows ("Otro" people of `PublicationTests.identity`).
    static let answer = "Comunidad coca de Mezcala"

    /// A site with `candidacy` published (identity saved before, privacy notice accepted),
    /// its candidate's account `cand-titular`, its representative's `rep` and both staff offices.
    func withPublished(
        _ candidacy: Candidacy, representative: NewAccount,
        _ body: @Sendable @escaping (_ client: any TestClientProtocol, Database, ElectionProcess) async throws -> Void
    ) async throws {
        try await PublicationTests().withSite([candidacy]) { browser, db, process in
            let questionnaires = StaffTests.questionnaires(db)
            try await questionnaires.acceptPrivacyNotice(version: PrivacyNotice.version, for: candidacy.id, by: AuditActor(StaffTests.representative))
            try await questionnaires.saveIdentity(PublicationTests.identity(), for: candidacy.id, by: AuditActor(StaffTests.representative))
            try await PublicationTests.publish(db, candidacy.id)
            try await PublicationTests.rebuild(db, process)
            try await WebFixtures.candidateAccount(db, for: candidacy, username: "cand-titular")
            try await WebFixtures.activated(db, representative)
            try await WebFixtures.staffAccount(db, .transparencyStaff, username: "ana.staff")
            try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "igualdad.staff")
            try await body(browser.client, db, process)
        }
    }

    /// The public places identity answers may appear, with whether each shows `answer`;
    /// the INE CSV is checked apart (it never shows them).
    static func shown(_ browser: Browser, _ candidacy: Candidacy) async throws -> [String: Bool] {
        let id = candidacy.id
        var result: [String: Bool] = [:]
        for uri in ["/perfil/\(id)", "/api/v1/publico/candidaturas/\(id)", "/datos-abiertos/candidaturas.json"] {
            let response = try await browser.get(uri)
            #expect(response.status == .ok, "\(uri)")
            result[uri] = response.text.contains(answer)
        }
        let csv = try await browser.get("/datos-abiertos/candidaturas.csv").text
        #expect(csv.contains(candidacy.fullName) && !csv.contains(answer), "the INE CSV lists the candidacy and never its identity answers")
        return result
    }

    static func consent(_ db: Database, _ id: String) async throws -> IdentityConsent {
        try await StaffTests.questionnaires(db).consent(for: id)
    }

    @Test func onlyTheCandidateDecidesAndEachDecisionChangesThePublicProfileWithOneRefresh() async throws {
        let candidacy = WebFixtures.candidacy("C-TITULAR", party: "PAN", name: "Rosa Titular Méndez")
        let representative = NewAccount.representative(
            username: "rep-pan", email: "rep@example.org", displayName: "Representación PAN", processID: "jalisco-2024",
            entity: .party(code: "PAN"))
        try await withPublished(candidacy, representative: representative) { client, db, process in
            let visitor = Browser(client), party = Browser(client), owner = Browser(client)
            try await party.signIn("rep-pan")
            try await owner.signIn("cand-titular")
            #expect(try await Self.shown(visitor, candidacy).values.allSatisfy { !$0 })

            // The representative reads the consent page, without the buttons, and is refused both decisions.
            let page = try await party.get("/candidaturas/C-TITULAR/consentimiento")
            #expect(page.status == .ok)
            #expect(page.text.contains("No ha dado su consentimiento"))
            #expect(page.text.contains("Solo la persona candidata, con su propia cuenta"))
            #expect(!page.text.contains("value=\"otorgar\""))
            for decision in ["otorgar", "revocar"] {
                #expect(try await party.post("/candidaturas/C-TITULAR/consentimiento", [("decision", decision)]).status == .forbidden)
            }
            #expect(try await Self.consent(db, candidacy.id) == .notGiven)
            #expect(try await PublicationRefreshTests.refreshJobs(db, for: candidacy.id) == 0)

            // The candidate gives it: one refresh job, and after it the answers are public everywhere.
            #expect(try await owner.get("/candidaturas/C-TITULAR/consentimiento").text.contains("value=\"otorgar\""))
            #expect(try await owner.post("/candidaturas/C-TITULAR/consentimiento", [("decision", "otorgar")]).status == .seeOther)
            #expect(try await Self.consent(db, candidacy.id).isGranted)
            #expect(try await PublicationRefreshTests.refreshJobs(db, for: candidacy.id) == 1)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            #expect(try await Self.shown(visitor, candidacy).values.allSatisfy { $0 })

            // The representative cannot revoke it either; the candidate can, and one refresh hides the answers.
            #expect(try await party.post("/candidaturas/C-TITULAR/consentimiento", [("decision", "revocar")]).status == .forbidden)
            #expect(try await Self.consent(db, candidacy.id).isGranted)
            #expect(try await party.get("/candidaturas/C-TITULAR").text.contains("Dio su consentimiento el"))
            #expect(try await owner.post("/candidaturas/C-TITULAR/consentimiento", [("decision", "revocar")]).status == .seeOther)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            #expect(try await Self.shown(visitor, candidacy).values.allSatisfy { !$0 })
            #expect(try await Self.shown(visitor, candidacy) == Self.shownAfterRebuild(visitor, db, process, candidacy))
        }
    }

    /// What `shown` says after a full rebuild: a refresh and a rebuild agree.
    static func shownAfterRebuild(_ browser: Browser, _ db: Database, _ process: ElectionProcess, _ candidacy: Candidacy) async throws -> [String: Bool] {
        try await PublicationTests.rebuild(db, process)
        return try await shown(browser, candidacy)
    }

    @Test func anIndependentsAnswersArePublicOnlyWithItsSignedFormReceived() async throws {
        let candidacy = {
            var candidacy = WebFixtures.candidacy("IND-FORMA", name: "Julio Independiente Ruiz")
            candidacy.postulatingEntity = .independent(code: "CI-JULIO")
            return candidacy
        }()
        let representative = NewAccount.representative(
            username: "rep-julio", email: "julio@example.org", displayName: "Representación de Julio", processID: "jalisco-2024",
            entity: .independent(code: "CI-JULIO"))
        try await withPublished(candidacy, representative: representative) { client, db, process in
            let visitor = Browser(client), party = Browser(client), owner = Browser(client), equality = Browser(client)
            try await party.signIn("rep-julio")
            try await owner.signIn("cand-titular")
            try await equality.signIn("igualdad.staff")

            // The ordinary button is not offered and is refused; a consent recorded without the form publishes nothing.
            let page = try await owner.get("/candidaturas/IND-FORMA/consentimiento")
            #expect(!page.text.contains("value=\"otorgar\"") && page.text.contains("formato de consentimiento expreso"))
            #expect(try await owner.post("/candidaturas/IND-FORMA/consentimiento", [("decision", "otorgar")]).status == .conflict)
            #expect(try await Self.consent(db, candidacy.id) == .notGiven)
            try await StaffTests.questionnaires(db).recordConsent(granted: true, for: candidacy.id, by: AuditActor(StaffTests.representative))
            #expect(try await Self.shownAfterRebuild(visitor, db, process, candidacy).values.allSatisfy { !$0 })

            // The signed form, received by the gender-equality office with "Sí": one refresh publishes the answers.
            let (type, body) = ConsentDocumentTests.multipart(ConsentDocumentTests.pdf)
            #expect(try await party.upload("/candidaturas/IND-FORMA/consentimiento-expreso", contentType: type, body: body).status == .seeOther)
            let first = try await Self.pendingDocument(equality)
            #expect(try await equality.post("/instancia/consentimientos/\(first)/recibir", [("publicar", "si")]).status == .seeOther)
            #expect(try await PublicationRefreshTests.refreshJobs(db, for: candidacy.id) == 1)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            #expect(try await Self.shown(visitor, candidacy).values.allSatisfy { $0 })
            #expect(try await owner.get("/candidaturas/IND-FORMA").text.contains("recibió el"))

            // A later form stating "No", received by the transparency office: one refresh withdraws them.
            #expect(try await party.upload("/candidaturas/IND-FORMA/consentimiento-expreso", contentType: type, body: body).status == .seeOther)
            let staff = Browser(client)
            try await staff.signIn("ana.staff")
            let second = try await Self.pendingDocument(staff)
            #expect(try await staff.post("/instancia/consentimientos/\(second)/recibir", [("publicar", "no")]).status == .seeOther)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            #expect(try await Self.shown(visitor, candidacy).values.allSatisfy { !$0 })

            // The archive keeps both forms with their decisions, for both offices, never for the party.
            let archive = try await equality.get("/instancia/consentimientos/archivo")
            #expect(archive.status == .ok)
            #expect(archive.text.contains("Autoriza publicar") && archive.text.contains("No autoriza publicar"))
            #expect(archive.text.contains("Julio Independiente Ruiz") && archive.text.contains("Personal Instancia interna"))
            #expect(try await staff.get("/instancia/consentimientos/archivo").status == .ok)
            #expect(try await party.get("/instancia/consentimientos/archivo").status == .forbidden)
        }
    }

    @Test func answersChangedDuringAModificationStayOutUntilTheyArePublishedAgain() async throws {
        let candidacy = WebFixtures.candidacy("C-MODIFICA", party: "PAN", name: "Elena Modifica Torres")
        let representative = NewAccount.representative(
            username: "rep-pan", email: "rep@example.org", displayName: "Representación PAN", processID: "jalisco-2024",
            entity: .party(code: "PAN"))
        try await withPublished(candidacy, representative: representative) { client, db, process in
            let visitor = Browser(client)
            let questionnaires = StaffTests.questionnaires(db), workflows = StaffTests.workflows(db)
            try await questionnaires.recordConsent(granted: true, for: candidacy.id, by: AuditActor(role: .candidate, id: "titular"))
            #expect(try await Self.shownAfterRebuild(visitor, db, process, candidacy).values.allSatisfy { $0 })

            // The single modification: new answers, not yet verified.
            try await workflows.apply(.requestModification, to: candidacy.id, by: StaffTests.representative, observations: "Corrige identidad")
            try await workflows.apply(.approveModification, to: candidacy.id, by: StaffTests.staff)
            var changed = PublicationTests.identity()
            changed.indigenous.people = .answered(.other(text: "Comunidad nueva sin verificar"))
            try await questionnaires.saveIdentity(changed, for: candidacy.id, by: AuditActor(StaffTests.representative))
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            for uri in ["/perfil/C-MODIFICA", "/api/v1/publico/candidaturas/C-MODIFICA", "/datos-abiertos/candidaturas.json"] {
                let text = try await visitor.get(uri).text
                #expect(!text.contains("sin verificar"), "\(uri) shows answers staff have not verified")
            }
            #expect(try await Self.shownAfterRebuild(visitor, db, process, candidacy).values.allSatisfy { !$0 })

            // Verified and published again: the new answers are public.
            try await workflows.apply(.submitModification, to: candidacy.id, by: StaffTests.representative, completeness: CompletenessReport())
            try await workflows.apply(.reverify, to: candidacy.id, by: StaffTests.staff)
            try await workflows.apply(.republish, to: candidacy.id, by: StaffTests.staff)
            try await PublicationRefreshTests.refresh(db, process, candidacy.id)
            #expect(try await visitor.get("/perfil/C-MODIFICA").text.contains("Comunidad nueva sin verificar"))
        }
    }

    /// The id of the first document waiting on the review page.
    static func pendingDocument(_ browser: Browser) async throws -> String {
        let queue = try await browser.get("/instancia/consentimientos").text
        let found = try #require(queue.range(of: "/instancia/consentimientos/[0-9a-f-]{36}/documento", options: .regularExpression))
        return String(queue[found].dropFirst("/instancia/consentimientos/".count).prefix(36))
    }
}
