import ConocelesCore
import Foundation
import Logging
import PostgresNIO
import Storage

/// Loads a profile as its capture sees it and keeps its workflow state in step with its
/// content after a save, whoever saved (a form, the bulk CSV, an accepted photo): one rule,
/// `ProfileLifecycle.actionsAfterCapture`.
public struct ProfileCapture: Sendable {
    let client: PostgresClient
    let cipher: SensitiveDataCipher
    let process: ElectionProcess
    let catalogs: Catalogs

    public init(client: PostgresClient, cipher: SensitiveDataCipher, process: ElectionProcess, catalogs: Catalogs) {
        self.client = client
        self.cipher = cipher
        self.process = process
        self.catalogs = catalogs
    }

    /// The day a photo's age is measured against: the later of today (in the process's time
    /// zone) and the first publication day.
    public func photoReferenceDate(now: Date = Date()) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: process.timeZone) ?? TimeZone(identifier: "America/Mexico_City")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        let today = LocalDate(year: c.year ?? 2000, month: c.month ?? 1, day: c.day ?? 1) ?? process.publicationDate
        return max(today, process.publicationDate)
    }

    /// Loads the profile of `candidacy` (authorization is the caller's).
    public func load(_ candidacy: Candidacy, logger: Logger) async throws -> ProfileCaptureState {
        // One statement for what the page shows (a capture page is read far more often than saved).
        let record = try await QuestionnaireRepository(client: client, cipher: cipher, logger: logger)
            .captureRecord(for: candidacy.id, noticeVersion: PrivacyNotice.version)
        let workflow = record.workflow
        let curricular = record.curricular?.answers ?? CurricularQuestionnaire()
        let report = ProfileCompleteness.check(
            privacyNoticeAccepted: record.noticeAccepted, curricular: curricular, identity: record.identity, candidacy: candidacy,
            catalogs: catalogs, rules: process.rules, photoReferenceDate: photoReferenceDate())
        var profile = ProfileCaptureState(
            candidacy: candidacy, state: workflow.state, noticeAccepted: record.noticeAccepted, curricular: curricular,
            identity: record.identity, identityBlocked: record.identityBlocked, consent: record.consent,
            consentBySignedForm: record.consentBySignedForm, report: report)
        profile.timeZone = process.timeZone
        profile.curricularSaved = record.curricular.map { .init(revision: $0.revision, updatedAt: $0.updatedAt, updatedBy: $0.updatedBy) }
        profile.identitySaved = record.identityRevision
        profile.fieldObservations = record.fieldObservations
        profile.observations = workflow.history
            .filter { ($0.action == .returnWithObservations || $0.action == .rejectModification) && $0.observations != nil }
            .reversed()
        let authorIDs = Set(profile.observations.map(\.actor.id) + profile.fieldObservations.map(\.madeBy))
        let accounts = AccountRepository(client: client, logger: logger)
        for id in authorIDs {
            if let uuid = UUID(uuidString: id), let account = try await accounts.account(id: uuid) {
                profile.observationAuthors[id] = account.displayName
            }
        }
        if candidacy.replacesCandidacyID != nil {
            let sent = try await AccountRepository(client: client, logger: logger).account(candidacyID: candidacy.id)?.credentialsSentAt
            let days = process.deadlines.substituteCaptureDays
            profile.substituteCapture = .init(
                days: days, lastDay: sent.map { LocalDate($0, timeZone: process.timeZone).advanced(byDays: days) })
        }
        return profile
    }

    /// After `actor` saved something of `candidacy`'s profile: applies the workflow actions
    /// that follow and returns the profile as it now is. Another process may move the profile
    /// between this read and the transition (a worker accepting the photo while a server saves
    /// a questionnaire): a transition refused because the state changed is retried on a fresh
    /// read, so the last of two concurrent saves still completes the profile. A transition
    /// this actor may not make is logged, never hidden, and the save stands.
    public func sync(_ candidacy: Candidacy, by actor: ProfileActor, changed: Bool, logger: Logger) async throws -> ProfileCaptureState {
        var profile = try await load(candidacy, logger: logger)
        let workflows = ProfileWorkflowRepository(client: client, logger: logger)
        for attempt in 1...3 {
            let actions = ProfileLifecycle.actionsAfterCapture(in: profile.state, complete: profile.report.isComplete, changed: changed)
            guard !actions.isEmpty else { return profile }
            do {
                for action in actions {
                    try await workflows.apply(action, to: candidacy.id, by: actor, completeness: profile.report)
                }
                return try await load(candidacy, logger: logger)
            } catch let error as ProfileTransitionError {
                let moved = error.code == .transitionNotAllowed && attempt < 3
                logger.log(
                    level: moved ? .info : .warning, "profile transition after capture refused",
                    metadata: [
                        "candidacy_id": "\(candidacy.id)", "error": "\(String(reflecting: error))", "retry": "\(moved)",
                    ])
                profile = try await load(candidacy, logger: logger)
                if !moved { return profile }
            }
        }
        return profile
    }
}
