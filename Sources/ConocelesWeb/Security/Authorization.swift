import ConocelesCore
import Hummingbird
import Logging
import Storage

/// Who may do what with a candidacy. Every route that names a candidacy asks here; a refusal
/// is the same 403 whether the record belongs to someone else or does not exist, so ids
/// cannot be probed.
enum Authorization {
    /// Roles that capture profiles: the candidate (its own) and the representative (its entity's).
    static let capturing: Set<AccountRole> = [.candidate, .representative]
    /// Roles that decide the consent to publish identity answers: the candidate alone, on its
    /// own candidacy. The guidelines ask for "la autorización expresa de la persona titular",
    /// revocable only by her: a party's representative sees the consent, never decides it.
    static let consenting: Set<AccountRole> = [.candidate]
    /// Roles that review the signed express-consent forms of independent candidacies and keep
    /// their archive: the transparency office and the gender-equality office (the seed gives
    /// both the receipt and the safekeeping of those forms).
    static let reviewingConsentForms: Set<AccountRole> = [.transparencyStaff, .genderEqualityStaff]
    /// Roles of the transparency office's staff area.
    static let reviewing: Set<AccountRole> = [.transparencyStaff]
    /// Roles that manage accounts (issue, re-send).
    static let managingAccounts: Set<AccountRole> = [.transparencyStaff, .itStaff]
    /// Roles that read the compliance dashboard (counts per party and office, and the
    /// candidacies behind them).
    static let monitoringCompliance: Set<AccountRole> = [.transparencyStaff, .genderEqualityStaff]
    /// Roles that see the registration events the ingest worker rejected.
    static let registrationEvents: Set<AccountRole> = [.transparencyStaff, .itStaff]
    /// Roles that operate the job queue (the jobs dashboard, retry and cancel).
    static let operatingJobs: Set<AccountRole> = [.itStaff]
    /// Roles that read the progress reports (aggregated counts for the Consejo General).
    static let reporting: Set<AccountRole> = [.transparencyStaff, .genderEqualityStaff]
    /// The qualitative section of the final report (follow-up breakdowns and the "Otro" free
    /// texts of everyone who answered, consenting or not): the gender-equality office only.
    static let qualitativeReport: Set<AccountRole> = [.genderEqualityStaff]

    /// Whether `account` may read and fill in the profile of `candidacy`.
    static func mayCapture(_ account: Account, _ candidacy: Candidacy) -> Bool {
        guard account.isUsable, account.processID == candidacy.processID else { return false }
        switch account.role {
        case .candidate: return account.candidacyID == candidacy.id
        case .representative: return account.entity == candidacy.postulatingEntity
        case .transparencyStaff, .genderEqualityStaff, .itStaff: return false
        }
    }

    /// Whether `account` may review (verify, return, publish) the profile of `candidacy`.
    static func mayReview(_ account: Account, _ candidacy: Candidacy) -> Bool {
        account.isUsable && account.role == .transparencyStaff
    }

    /// Whether `account` may authorize publication or request a modification (the representative).
    static func mayAuthorize(_ account: Account, _ candidacy: Candidacy) -> Bool {
        account.role == .representative && mayCapture(account, candidacy)
    }

    /// Whether `account` may change the profile of `candidacy`: capture it, and the
    /// candidacy is active (a withdrawn one is read-only for everyone but staff).
    static func mayChange(_ account: Account, _ candidacy: Candidacy) -> Bool {
        candidacy.status.isActive && mayCapture(account, candidacy)
    }
}

extension WebContext {
    /// The candidacy `id` when `account` may capture it. Every page of the capture portal
    /// and of the representative's single candidacy comes here, so this is where a withdrawn
    /// (substituted or cancelled) candidacy becomes read-only: it may still be read, but any
    /// request that is not a GET or HEAD is refused before it can write anything.
    /// - Throws: `WebError.forbidden` when it is not theirs or does not exist;
    ///   `WebError.withdrawn` (409) for a write to a withdrawn candidacy.
    func capturableCandidacy(_ id: String, by account: Account, request: Request, logger: Logger) async throws -> Candidacy {
        guard id.utf8.count <= 64, let candidacy = try await CandidacyRepository(client: database.client, logger: logger).candidacy(id: id),
            Authorization.mayCapture(account, candidacy)
        else { throw WebError.forbidden }
        if !candidacy.status.isActive, request.method != .get, request.method != .head {
            logger.notice("write to a withdrawn candidacy refused", metadata: ["candidacy_id": "\(candidacy.id)", "path": "\(request.uri.path)"])
            throw WebError.withdrawn
        }
        return candidacy
    }
}
