import ConocelesCore
import ConocelesJobs

/// A text input or text area of a capture form. `id` is the element's id, `name` the form
/// name (`correos[]` for repeated entries); the error, hint and counter ids derive from `id`.
struct InputView {
    let id: String
    let name: String
    let label: String
    /// `text`, `url`, `email` or `tel` for inputs.
    let type: String
    let value: String
    let error: String?
    /// Staff's observations on this field from the latest return ("fecha, autor: texto").
    var staffNotes: [String] = []
    /// Maximum characters not counting white space (the live counter), if limited.
    let limit: Int?
    /// Minimum characters not counting white space (shown by the counter), if any.
    let minimum: Int?
    /// What the field takes, shown under the label.
    let hint: String?
    /// The keyboard a phone shows (`inputmode`: `tel`, `email`, `url`), if not plain text.
    let inputMode: String?
    /// The browser's autofill hint (`autocomplete`), if any.
    let autocomplete: String?
    /// `aria-describedby`: the hint, the counter and the error that exist (stored, so
    /// that Mustache sees it).
    let describedBy: String?

    init(
        id: String, name: String? = nil, label: String, type: String = "text", value: String, error: String? = nil,
        limit: Int? = nil, minimum: Int? = nil, hint: String? = nil, inputMode: String? = nil, autocomplete: String? = nil
    ) {
        self.id = id
        self.name = name ?? id
        self.label = label
        self.type = type
        self.value = value
        self.error = error
        self.limit = limit
        self.minimum = minimum
        self.hint = hint
        self.inputMode = inputMode
        self.autocomplete = autocomplete
        let described = [hint.map { _ in "\(id)-ayuda" }, limit.map { _ in "\(id)-contador" }, error.map { _ in "\(id)-error" }]
            .compactMap { $0 }.joined(separator: " ")
        describedBy = described.isEmpty ? nil : described
    }
}

/// One option of a radio group, a set of checkboxes, a select or a filter.
struct OptionView {
    /// The element id of the radio or checkbox (nil for select options).
    var id: String? = nil
    let value: String
    let label: String
    let selected: Bool
}

/// A question answered with radio buttons, checkboxes or a select, with its error and,
/// for "Otro/Otra", the text field saying which.
struct QuestionView {
    /// The id of the question's group (the anchor the status box links to).
    let id: String
    /// The form name (`discapacidad_tipos[]` for checkboxes).
    let name: String
    let label: String
    let options: [OptionView]
    let error: String?
    let radio: Bool
    let checkbox: Bool
    let select: Bool
    /// The "¿Cuál?" field of "Otro/Otra", if the question has one.
    let other: InputView?
    /// The id of the error paragraph when there is an error (for `aria-describedby`).
    let errorID: String?
    /// Staff's observations on this question from the latest return.
    var staffNotes: [String] = []
    /// The options as HTML (`<option>` elements, or the radio buttons or checkboxes with their
    /// labels), every value escaped: a select of the country catalog has about 250 options,
    /// and rendering them one by one through the template was most of a form page's CPU.
    let optionsHTML: String

    init(
        id: String, name: String, label: String, options: [OptionView], error: String?, radio: Bool, checkbox: Bool,
        select: Bool, other: InputView?, errorID: String?, staffNotes: [String] = []
    ) {
        self.id = id
        self.name = name
        self.label = label
        self.options = options
        self.error = error
        self.radio = radio
        self.checkbox = checkbox
        self.select = select
        self.other = other
        self.errorID = errorID
        self.staffNotes = staffNotes
        var html = ""
        html.reserveCapacity(options.count * (select ? 48 : 160))
        if select {
            for option in options {
                html += "<option value=\"\(option.value.htmlEscaped)\"\(option.selected ? " selected" : "")>\(option.label.htmlEscaped)</option>\n"
            }
        } else {
            let type = radio ? "radio" : checkbox ? "checkbox" : ""
            let name = name.htmlEscaped
            let invalid = errorID == nil ? "" : " aria-invalid=\"true\""
            for option in options {
                let optionID = (option.id ?? id).htmlEscaped
                html += "<div class=\"opcion\"><input type=\"\(type)\" id=\"\(optionID)\" name=\"\(name)\" value=\"\(option.value.htmlEscaped)\""
                html += "\(option.selected ? " checked" : "")\(invalid)> <label for=\"\(optionID)\">\(option.label.htmlEscaped)</label></div>\n"
            }
        }
        optionsHTML = html
    }
}

/// A section of a form: a heading, its questions and the follow-ups asked only after "Sí".
struct SectionView {
    let title: String
    let questions: [QuestionView]
    let followUps: FollowUpsView?
}

/// The follow-up questions of a section, in a fieldset whose legend says when to answer them.
struct FollowUpsView {
    let legend: String
    let questions: [QuestionView]
    /// An explanation shown before the questions (the plan's own wording), if any.
    var note: String? = nil
}

/// One missing or invalid datum, linked to its field when a form has it.
struct IssueView {
    let label: String
    let message: String
    let href: String?
}

/// The short status box at the top of every capture page.
struct StatusView {
    let candidacyID: String
    let name: String
    let stateLabel: String
    let summary: String
    let complete: Bool
    /// Why capture is closed in this state, when it is.
    let closedReason: String?
    /// A warning that saving lapses the representative's authorization, when it would.
    let authorizationWarning: String?
    /// A substitute's capture deadline, while its profile is not yet complete.
    let substituteDeadline: String?
    /// Staff's observations, newest first (shown open while the profile is returned).
    let observations: [ObservationView]
    let hasObservations: Bool
    let returned: Bool

    /// One observation of staff, with its date and author.
    struct ObservationView {
        let date: String
        let kind: String
        let author: String
        let text: String
    }

    init(_ profile: ProfileCaptureState) {
        candidacyID = profile.candidacy.id
        name = profile.candidacy.fullName
        let general = profile.observations.map { transition in
            (
                transition.at,
                ObservationView(
                    date: SpanishDates.dateTime(transition.at, timeZone: profile.timeZone),
                    kind: transition.action == .rejectModification ? "Solicitud de modificación rechazada" : "Devuelto con observaciones",
                    author: profile.observationAuthors[transition.actor.id] ?? "Instancia interna", text: transition.observations ?? "")
            )
        }
        let byField = profile.fieldObservations.map { note in
            (
                note.madeAt,
                ObservationView(
                    date: SpanishDates.dateTime(note.madeAt, timeZone: profile.timeZone),
                    kind: "Observación sobre «\(FieldNotes.label(of: note.field))»",
                    author: profile.observationAuthors[note.madeBy] ?? "Instancia interna", text: note.observation)
            )
        }
        // Newest first; a return's general observation before its observations on fields.
        observations = (general + byField).enumerated()
            .sorted { $0.element.0 != $1.element.0 ? $0.element.0 > $1.element.0 : $0.offset < $1.offset }
            .map(\.element.1)
        hasObservations = !observations.isEmpty
        returned = profile.state == .returned
        stateLabel = profile.state.label
        summary = profile.report.summary
        complete = profile.report.isComplete
        closedReason =
            profile.identityBlocked
            ? "La candidatura fue sustituida o cancelada: su información ya no puede modificarse."
            : profile.state.captureClosedReason
        authorizationWarning =
            profile.state == .authorized
            ? "La representación ya autorizó la publicación. Si cambia algo, la autorización queda sin efecto y deberá autorizarse de nuevo."
            : nil
        substituteDeadline = profile.substituteCapture.flatMap { deadline in
            guard !profile.state.hasPassedCompletenessCheck, !profile.identityBlocked else { return nil }
            let last = deadline.lastDay.map { ", a más tardar el \($0.spanishDescription)" } ?? ""
            return "Candidatura sustituta: su información debe capturarse en un plazo no mayor a \(deadline.days) días naturales "
                + "posteriores a la recepción de las cuentas de acceso\(last)."
        }
    }
}

extension ProfileState {
    /// Why candidates and representatives may not change the profile in this state, in
    /// Spanish, or nil when they may.
    var captureClosedReason: String? {
        switch self {
        case .pending, .capturing, .complete, .authorized, .returned, .modifying: nil
        case .verified: "La instancia interna ya verificó el perfil; se publicará tal como está."
        case .published:
            "El perfil ya está publicado. Para corregirlo, la representación puede solicitar la única modificación permitida."
        case .modificationRequested: "La solicitud de modificación espera la respuesta de la instancia interna."
        case .modificationSubmitted: "La modificación ya se envió y espera la verificación de la instancia interna."
        case .reverified: "La modificación ya se verificó y espera su publicación."
        case .republished: "El perfil se publicó de nuevo tras su única modificación; no admite más cambios."
        }
    }
}

extension Array where Element == FieldIssue {
    /// The first message for each field, by field identifier.
    var messagesByField: [String: String] {
        var messages: [String: String] = [:]
        for issue in self where messages[issue.field] == nil { messages[issue.field] = issue.message }
        return messages
    }
}

/// What a capture form carries besides its answers and the boxes shown above it: the
/// revision and fingerprints it was read at (a save based on an older revision is merged or
/// shown as a conflict), who saved it last, the outcome of the save just made, a form kept
/// when the session had expired, and what the browser's scripts need.
struct FormState {
    /// The revision the answers shown are based on (0 before the first save).
    var revision = 0
    /// `CurricularPart.fingerprints` of that revision (curricular form only).
    var fingerprints = ""
    /// "Guardado por última vez por … el …", once saved.
    var lastSaved: String? = nil
    /// The outcome of the save just made, when it needs more than the one-line notice.
    var outcome: String? = nil
    /// Values the save rewrote in their canonical form ("(33) 1234-5678" → "3312345678").
    var adjustments: [String] = []
    var hasAdjustments = false
    /// Parts both this person and another changed: the person chooses.
    var conflicts: [ConflictView] = []
    var hasConflicts = false
    /// Why the form shows answers not yet saved (a form kept when the session expired, or
    /// a conflict), with the discard action.
    var recovered: String? = nil
    var discardAction: String? = nil
    /// The key of the browser's local copy of long texts (the form's path).
    var draftKey = ""
    /// Seconds of idle time before the session expires (the warning counts down from it).
    var sessionSeconds = 0
    /// Staff's observations from the latest return, by form part (`FieldNotes`).
    var staffNotes: [String: [String]] = [:]

    init(revision: Int = 0, fingerprints: String = "", lastSaved: String? = nil, draftKey: String, sessionSeconds: Int) {
        self.revision = revision
        self.fingerprints = fingerprints
        self.lastSaved = lastSaved
        self.draftKey = draftKey
        self.sessionSeconds = sessionSeconds
    }

    mutating func adjust(_ lines: [String]) {
        adjustments = lines
        hasAdjustments = !lines.isEmpty
    }

    mutating func conflict(_ views: [ConflictView]) {
        conflicts = views
        hasConflicts = !views.isEmpty
    }
}

/// One part both people changed: this person's version, the saved one, and the choice.
struct ConflictView {
    /// The part's id (`conservar_<id>` is the choice's name).
    let id: String
    let label: String
    let mine: String
    let saved: String
    /// Who saved the other version and when.
    let savedBy: String
}

/// The form parts staff may observe when returning a profile (the curricular parts, the
/// photo, the identity questionnaire), and their observations as the forms show them.
enum FieldNotes {
    static let photo = "foto"
    static let identity = "identidad"

    /// Every part, in form order, with its label.
    static let targets: [(id: String, label: String)] =
        CurricularPart.all.map { ($0.id, $0.label) } + [(photo, "Fotografía"), (identity, "Cuestionario de identidad")]

    /// The label of part `id` (the id itself if unknown).
    static func label(of id: String) -> String {
        targets.first { $0.id == id }?.label ?? id
    }

    /// The observations of the latest return that gave any, by part, each as
    /// "Observación de la instancia interna (fecha, autor): texto".
    static func latest(_ profile: ProfileCaptureState) -> [String: [String]] {
        guard let newest = profile.fieldObservations.first?.madeAt else { return [:] }
        var notes: [String: [String]] = [:]
        for note in profile.fieldObservations where note.madeAt == newest {
            let author = profile.observationAuthors[note.madeBy] ?? "instancia interna"
            notes[note.field, default: []].append(
                "Observación de la instancia interna (\(SpanishDates.dateTime(note.madeAt, timeZone: profile.timeZone)), \(author)): \(note.observation)")
        }
        return notes
    }
}

extension InputView {
    /// This field with staff's observations on its part (`FieldNotes`): a single field's id is
    /// its part's; a repeated field's notes go on its first entry (`telefonos-0`).
    func noted(_ notes: [String: [String]]) -> InputView {
        let part = id.hasSuffix("-0") ? String(id.dropLast(2)) : id
        var copy = self
        copy.staffNotes = notes[part] ?? []
        return copy
    }
}

extension QuestionView {
    /// This question with staff's observations on its part.
    func noted(_ notes: [String: [String]]) -> QuestionView {
        var copy = self
        copy.staffNotes = notes[id] ?? []
        return copy
    }
}
