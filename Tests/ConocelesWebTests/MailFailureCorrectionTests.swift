import ConocelesCore
import ConocelesJobs
@testable import ConocelesWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import JobArguments
import JobQueue
import Storage
import Testing
import TestSupport

/// Staff see an account whose mail failed, with the server's reply, correct the address and
/// re-send the credentials to it: a CSRF-protected form, only for the roles that manage
/// accounts, audited with the previous address.
@Suite("Correcting a failed address")
struct MailFailureCorrectionTests {
    @Test func staffCorrectTheAddressAndTheCredentialsAreResent() async throws {
        let candidacy = WebFixtures.candidacy("C-MALCORREO", party: "PAN", name: "Dirección Equivocada")
        try await StaffTests().withSite([candidacy]) { browser, db in
            _ = try await WebFixtures.staffAccount(db, .transparencyStaff, username: "transparencia")
            _ = try await WebFixtures.staffAccount(db, .genderEqualityStaff, username: "igualdad")
            try await StaffTests.appliedEvent(db, candidacy.id)
            let accounts = AccountRepository(client: db.client, logger: TestDatabase.logger)
            let (account, _) = try await accounts.create(
                .candidate(
                    username: "c-malcorreo", email: "direccion@gmial.com",
                    displayName: candidacy.fullName, processID: "jalisco-2024", candidacyID: candidacy.id),
                activationTTL: .seconds(3_600), by: .system("test"))
            try await accounts.markMailFailed(accountID: account.id, reply: "550 5.1.1 <direccion@gmial.com>: User unknown")
            let path = "/instancia/cuentas/\(account.id.uuidString.lowercased())/correo"

            // Another staff role may not.
            let other = Browser(browser.client)
            _ = try await other.signIn("igualdad")
            #expect(try await other.post(path, [("correo", "ana@example.org")]).status == .forbidden)

            try await browser.signIn("transparencia")
            let page = try await browser.get("/instancia/cuentas").text
            #expect(page.contains("El servidor de correo rechazó la dirección:</strong> 550 5.1.1 &lt;direccion@gmial.com&gt;: User unknown"))
            #expect(page.contains("action=\"\(path)\""))
            // Without the CSRF token nothing changes.
            #expect(try await browser.post(path, [("correo", "ana@example.org")], csrf: false).status == .forbidden)
            // An invalid address is refused with the reason.
            let invalid = try await browser.post(path, [("correo", "ana@@example")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("El correo electrónico no es válido"))
            #expect(try await accounts.account(id: account.id)?.email == "direccion@gmial.com")

            let corrected = try await browser.post(path, [("correo", " ana.correcta@example.org ")])
            #expect(corrected.location == "/instancia/cuentas?hecho=correo")
            let after = try #require(try await accounts.account(id: account.id))
            #expect(after.email == "ana.correcta@example.org")
            #expect(try await accounts.mailFailure(accountID: account.id) == nil, "the failure is cleared")
            try await JobTesting.assertEnqueued(db, kind: CredentialsMailWorker.kind, args: CredentialsMailJob.self) {
                $0.candidacyID == candidacy.id
            }
            let audit = try await AuditLog(client: db.client, logger: TestDatabase.logger)
                .records(subjectType: "account", subjectID: account.id.uuidString)
            let correction = try #require(audit.first { $0.entry.action == "account.email_corrected" })
            #expect(correction.entry.actor.role == AccountRole.transparencyStaff.rawValue)
            #expect(correction.entry.changes["correo_anterior"] == "direccion@gmial.com")
            #expect(correction.entry.changes["correo_nuevo"] == "ana.correcta@example.org")
            #expect(correction.entry.changes["falla"]?.hasPrefix("550 5.1.1") == true)
            #expect(!(try await browser.get("/instancia/cuentas").text.contains("action=\"\(path)\"")), "no failure, no form")
        }
    }
}
