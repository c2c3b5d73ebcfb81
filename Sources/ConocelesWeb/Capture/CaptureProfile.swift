import ConocelesCore
import Foundation
import Logging
import Storage

/// Everything the capture pages show of one candidacy's profile: its workflow state, the
/// privacy notice, both questionnaires, the consent and the completeness report.
struct CaptureProfile {
    let candidacy: Candidacy
    let state: ProfileState
    let noticeAccepted: Bool
    /// The saved curricular answers (empty when never saved).
    let curricular: CurricularQuestionnaire
    /// The saved identity answers, or nil when never saved or blocked.
    let identity: IdentityQuestionnaire?
    /// Whether the identity answers are blocked (candidacy substituted or cancelled).
    let identityBlocked: Bool
    let consent: IdentityConsent
    let report: CompletenessReport

    /// Whether candidates and representatives may change the questionnaires now.
    var isEditable: Bool { state.isEditable && !identityBlocked }
}

/// The privacy notice shown before any capture.
enum PrivacyNotice {
    /// The version of the simplified notice people accept; a new text needs a new version.
    static let version = "2024-01"
    /// The page with the full (integral) notice.
    static let fullNoticePath = "/aviso-de-privacidad"
}

extension WebContext {
    /// The questionnaires' repository (it seals the identity answers with `cipher`).
    func questionnaires(logger: Logger) -> QuestionnaireRepository {
        QuestionnaireRepository(client: database.client, cipher: cipher, logger: logger)
    }

    /// The day a photo's age is measured against: the later of today (in the process's time
    /// zone) and the first publication day.
    func photoReferenceDate(now: Date = Date()) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: process.timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
              let today = LocalDate(year: year, month: month, day: day)
        else { return process.publicationDate }
        return max(today, process.publicationDate)
    }

    /// Loads the profile of `candidacy` (already authorized for the account asking).
    func captureProfile(_ candidacy: Candidacy, logger: Logger) async throws -> CaptureProfile {
        let questionnaires = questionnaires(logger: logger)
        let state = try await ProfileWorkflowRepository(client: database.client, logger: logger).workflow(for: candidacy.id).state
        let noticeAccepted = try await questionnaires.hasAcceptedPrivacyNotice(version: PrivacyNotice.version, for: candidacy.id)
        let curricular = try await questionnaires.curricular(for: candidacy.id)?.answers ?? CurricularQuestionnaire()
        var identity: IdentityQuestionnaire?
        var blocked = false
        do {
            identity = try await questionnaires.identity(for: candidacy.id)
        } catch let error as StorageError where error.code == .blocked {
            blocked = true
        }
        let consent = try await questionnaires.consent(for: candidacy.id)
        let report = ProfileCompleteness.check(
            privacyNoticeAccepted: noticeAccepted, curricular: curricular, identity: identity, candidacy: candidacy,
            catalogs: catalogs, photoReferenceDate: photoReferenceDate())
        return CaptureProfile(candidacy: candidacy, state: state, noticeAccepted: noticeAccepted, curricular: curricular,
                              identity: identity, identityBlocked: blocked, consent: consent, report: report)
    }

    /// After `account` saved something of `candidacy`'s profile: applies the workflow
    /// actions that follow (`ProfileLifecycle.actionsAfterCapture`) and returns the profile
    /// as it now is. A transition another actor made meanwhile is logged, never hidden.
    func syncWorkflow(of candidacy: Candidacy, by account: Account, changed: Bool, logger: Logger) async throws -> CaptureProfile {
        var profile = try await captureProfile(candidacy, logger: logger)
        guard let role = account.role.profileRole else { return profile }
        let actions = ProfileLifecycle.actionsAfterCapture(in: profile.state, complete: profile.report.isComplete, changed: changed)
        guard !actions.isEmpty else { return profile }
        let workflows = ProfileWorkflowRepository(client: database.client, logger: logger)
        let actor = ProfileActor(role: role, id: account.id.uuidString)
        do {
            for action in actions {
                try await workflows.apply(action, to: candidacy.id, by: actor, completeness: profile.report)
            }
        } catch let error as ProfileTransitionError {
            logger.warning("profile transition after capture refused", metadata: [
                "candidacy_id": "\(candidacy.id)", "error": "\(String(reflecting: error))",
            ])
        }
        profile = try await captureProfile(candidacy, logger: logger)
        return profile
    }
}
