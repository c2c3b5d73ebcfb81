import ConocelesCore
import Storage

/// A labelled counter.
struct CountView {
    let label: String
    let count: Int
}

/// The verification queue page (Mustache reads stored properties only, hence `hasRows`).
struct QueueView {
    let offices: [OptionView]
    let entities: [OptionView]
    let counts: [CountView]
    let total: Int
    let rows: [QueueRowView]
    let pager: PagerView
    let hasRows: Bool
    /// The publication's line: current snapshot and the "Re-publicar" button.
    var publication: PublicationLineView?

    init(offices: [OptionView], entities: [OptionView], counts: [CountView], total: Int, rows: [QueueRowView], pager: PagerView) {
        self.offices = offices
        self.entities = entities
        self.counts = counts
        self.total = total
        self.rows = rows
        self.pager = pager
        hasRows = !rows.isEmpty
    }
}

struct QueueRowView {
    let href: String
    let name: String
    let id: String
    let office: String
    let entity: String
    let state: String
    let since: String
}

/// One curricular field on the review page: its current text and, when it changed since
/// the published version, the word-level difference.
struct FieldView {
    let label: String
    let text: String
    let empty: Bool
    let changed: Bool
    let segments: [SegmentView]
}

/// A run of a difference: the template wraps deleted runs in `<del>` and inserted ones in `<ins>`.
struct SegmentView {
    let text: String
    let same: Bool
    let deleted: Bool
    let inserted: Bool

    init(_ segment: TextDiff.Segment) {
        text = segment.text
        same = segment.kind == .same
        deleted = segment.kind == .deleted
        inserted = segment.kind == .inserted
    }
}

struct PhotoView {
    let status: String
    let reason: String?
    let uploadedAt: String
}

/// A profile as staff review it. Identity answers appear only as answered or not.
struct ReviewView {
    let csrf: String
    let id: String
    let base: String
    let name: String
    let office: String
    let position: String
    let entity: String
    let state: String
    let captured: Bool
    let publishedAt: String?
    let changedCount: Int
    let fields: [FieldView]
    let photo: PhotoView?
    /// The thumbnail of the photo a publication would copy (the accepted one the profile
    /// refers to), or nil when it has none.
    let photoToPublish: String?
    /// The capture day of the photo the profile refers to (what gets published), with its source.
    let photoTakenOn: String?
    let photoMaximumAgeMonths: Int
    let identity: String
    let consent: String
    let canVerify: Bool
    let canPublish: Bool
    let canReturn: Bool
    let canDecideModification: Bool
    let error: String?
    let observations: String
    let observationsError: String?
    /// Empty slots for observations on single fields, given with the return.
    var fieldNotes: [FieldNoteSlot] = FieldNoteSlot.slots
}

/// One optional "field and observation" pair of the return form.
struct FieldNoteSlot {
    let index: Int
    let number: Int
    let options: [OptionView]

    /// Three pairs, each offering every part of the form (`FieldNotes.targets`).
    static let slots: [FieldNoteSlot] = (0..<3).map { index in
        FieldNoteSlot(
            index: index, number: index + 1,
            options: FieldNotes.targets.map { OptionView(value: $0.id, label: $0.label, selected: false) })
    }
}

/// The audit trail page.
struct TrailView {
    let name: String
    let id: String
    let office: String
    let base: String
    let entries: [TrailEntryView]
    let hasEntries: Bool

    init(name: String, id: String, office: String, base: String, entries: [TrailEntryView]) {
        self.name = name
        self.id = id
        self.office = office
        self.base = base
        self.entries = entries
        hasEntries = !entries.isEmpty
    }
}

struct TrailEntryView {
    let date: String
    let role: String
    let action: String
    let detail: String
}

/// The banner of an open problem of the SMTP server or of its configuration (every e-mail
/// waits; see `MonitoredMailTransport`), on the staff pages that deal with mail and jobs.
struct MailAlertView {
    let since: String
    let lastAt: String
    let reason: String
    let reply: String
    let problems: Int

    /// Spanish names of the server-level problems (SMTPError codes).
    static let reasons: [String: String] = [
        "authentication_failed": "el servidor de correo rechazó el usuario o la contraseña (smtp.username, smtp.password)",
        "tls_failed": "no se pudo establecer la conexión cifrada (TLS) con el servidor de correo",
        "permanent_rejection": "el servidor de correo se niega a retransmitir los mensajes (relay)",
        "connection_failed": "no se pudo conectar con el servidor de correo",
        "timed_out": "el servidor de correo no respondió a tiempo",
        "invalid_configuration": "la configuración de correo no es válida",
    ]

    /// The banner for the current status, nil while mail goes through.
    static func current(_ context: WebContext, _ ctx: WebRequestContext) async throws -> MailAlertView? {
        let status = try await MailServerStatusRepository(client: context.database.client, logger: ctx.logger).current()
        guard let since = status.problemSince else { return nil }
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        return MailAlertView(
            since: format.dateTime(since), lastAt: format.dateTime(status.lastProblemAt),
            reason: reasons[status.code ?? ""] ?? "error inesperado del servidor de correo",
            reply: status.detail ?? "", problems: status.problems)
    }
}
