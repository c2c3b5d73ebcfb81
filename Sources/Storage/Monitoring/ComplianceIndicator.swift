/// What the compliance dashboard counts for each party, coalition, independent candidacy
/// and office, over the approved (current) candidacies. Raw values are the stable keys of
/// the dashboard's links and files.
public enum ComplianceIndicator: String, Sendable, Hashable, CaseIterable {
    /// Approved candidacies (substituted and cancelled ones are not counted; a substitute is).
    case approved = "aprobadas"
    /// Credentials of the candidacy's account sent.
    case accountsSent = "cuentas-enviadas"
    /// Credentials sent within the accounts deadline (`AccountDeadlines`).
    case accountsSentOnTime = "cuentas-en-plazo"
    /// Profile beyond pending (`ProfileMilestone.captured` or later).
    case captured = "capturadas"
    /// Profile that passed the completeness check (or went further).
    case complete = "completas"
    /// Publication authorized by the representative (or further).
    case authorized = "autorizadas"
    /// Verified by the transparency office (or further).
    case verified = "verificadas"
    /// Published, republished, or published with its modification under way.
    case published = "publicadas"
    /// Substitutes: candidacies that replace a substituted one.
    case substitutions = "sustituciones"
    /// Substitutes whose profile was complete within `deadlines.substitute_capture_days`
    /// natural days of their credentials being sent.
    case substitutionsCapturedOnTime = "sustituciones-en-plazo"

    /// The boolean column of the compliance base query that says whether a candidacy counts.
    var column: String {
        switch self {
        case .approved: "approved"
        case .accountsSent: "accounts_sent"
        case .accountsSentOnTime: "accounts_on_time"
        case .captured: "captured"
        case .complete: "complete"
        case .authorized: "authorized"
        case .verified: "verified"
        case .published: "published"
        case .substitutions: "substitute"
        case .substitutionsCapturedOnTime: "substitute_on_time"
        }
    }
}
