import ConocelesCore
import Storage

/// Everything the capture pages show of one candidacy's profile: its workflow state, the
/// privacy notice, both questionnaires, the consent and the completeness report.
public struct ProfileCaptureState: Sendable {
    public let candidacy: Candidacy
    public let state: ProfileState
    public let noticeAccepted: Bool
    /// The saved curricular answers (empty when never saved).
    public let curricular: CurricularQuestionnaire
    /// The saved identity answers, or nil when never saved or blocked.
    public let identity: IdentityQuestionnaire?
    /// Whether the identity answers are blocked (candidacy substituted or cancelled).
    public let identityBlocked: Bool
    public let consent: IdentityConsent
    /// Whether the consent in force was recorded from a signed express-consent form.
    public let consentBySignedForm: Bool
    public let report: CompletenessReport
    /// For a substitute: the natural days it has to capture after receiving its accounts
    /// (`deadlines.substitute_capture_days`) and, once its credentials were sent, the last day.
    public var substituteCapture: SubstituteCapture? = nil
    /// Every return with observations by staff (and every refused modification request),
    /// newest first: what the candidate and the representative must fix, with its date.
    public var observations: [ProfileTransition] = []
    /// The curricular answers' revision, when and by whom last saved (nil when never saved):
    /// the form carries the revision, and a save based on an older one is a conflict.
    public var curricularSaved: QuestionnaireRepository.SavedRevision? = nil
    /// The same for the identity answers.
    public var identitySaved: QuestionnaireRepository.SavedRevision? = nil
    /// Staff's observations on single fields (given with a return), newest first.
    public var fieldObservations: [FieldObservationRepository.FieldObservation] = []
    /// The display names of the staff accounts behind `observations` and `fieldObservations`,
    /// by actor id (the history says who wrote each).
    public var observationAuthors: [String: String] = [:]
    /// The process's time zone, for the dates the pages show.
    public var timeZone = "America/Mexico_City"

    /// The capture deadline of a substitute (the plan: "un plazo no mayor a cinco (5) días
    /// naturales posteriores a la recepción de las cuentas de acceso").
    public struct SubstituteCapture: Sendable, Hashable {
        /// Natural days after the accounts are received.
        public let days: Int
        /// The last day, in the process's time zone; nil while the credentials are not sent.
        public let lastDay: LocalDate?
    }

    /// Whether candidates and representatives may change the questionnaires now.
    public var isEditable: Bool { state.isEditable && !identityBlocked }
}
