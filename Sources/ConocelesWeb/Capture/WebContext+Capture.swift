import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import Logging
import Storage

extension WebContext {
    /// The questionnaires' repository (it seals the identity answers with `cipher`).
    func questionnaires(logger: Logger) -> QuestionnaireRepository {
        QuestionnaireRepository(client: database.client, cipher: cipher, logger: logger)
    }

    /// The day a photo's age is measured against: the later of today (in the process's time
    /// zone) and the first publication day.
    func photoReferenceDate(now: Date = Date()) -> LocalDate {
        profileCapture.photoReferenceDate(now: now)
    }

    /// The capture rules over this site's database, key and catalogs.
    var profileCapture: ProfileCapture {
        ProfileCapture(client: database.client, cipher: cipher, process: process, catalogs: catalogs)
    }

    /// The redirect to the privacy notice of `candidacy` while its current version is not
    /// accepted, nil once it is: every capture path (forms, photo, consent document, each
    /// row of a bulk upload) waits for it. The forms that load the whole profile use
    /// `CaptureController.noticeGate`, which reads the same acceptance.
    func noticeGate(_ candidacy: Candidacy, logger: Logger) async throws -> Response? {
        try await noticeAccepted(candidacy.id, logger: logger)
            ? nil : .redirect(to: "/candidaturas/\(candidacy.id)/aviso", type: .normal)
    }

    /// Whether the current privacy notice was accepted for `candidacyID`.
    func noticeAccepted(_ candidacyID: String, logger: Logger) async throws -> Bool {
        try await questionnaires(logger: logger).hasAcceptedPrivacyNotice(version: PrivacyNotice.version, for: candidacyID)
    }

    /// Loads the profile of `candidacy` (already authorized for the account asking).
    func captureProfile(_ candidacy: Candidacy, logger: Logger) async throws -> ProfileCaptureState {
        try await profileCapture.load(candidacy, logger: logger)
    }

    /// After `account` saved something of `candidacy`'s profile: applies the workflow
    /// actions that follow (`ProfileLifecycle.actionsAfterCapture`) and returns the profile
    /// as it now is.
    func syncWorkflow(of candidacy: Candidacy, by account: Account, changed: Bool, logger: Logger) async throws -> ProfileCaptureState {
        guard let role = account.role.profileRole else { return try await captureProfile(candidacy, logger: logger) }
        return try await profileCapture.sync(candidacy, by: ProfileActor(role: role, id: account.id.uuidString), changed: changed, logger: logger)
    }
}
