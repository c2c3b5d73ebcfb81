/// Where a profile is in its capture, verification and publication workflow.
///
/// `pending` → `capturing` → `complete` → `authorized` → `verified` → `published`;
/// staff may return it (`returned` → `capturing`); once published, one modification:
/// `modificationRequested` → `modifying` → `modificationSubmitted` → `reverified` →
/// `republished`, after which no further modification is possible.
public enum ProfileState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Pendiente: nothing captured yet.
    case pending = "pendiente"
    /// En captura.
    case capturing = "en_captura"
    /// Completo: passes the completeness check, awaits the representative's authorization.
    case complete = "completo"
    /// Autorizado por la representación, awaits staff verification.
    case authorized = "autorizado"
    /// Devuelto con observaciones por la instancia interna.
    case returned = "devuelto"
    /// Verificado por la instancia interna, ready to publish.
    case verified = "verificado"
    /// Publicado.
    case published = "publicado"
    /// Solicitud de modificación pendiente de aprobación (the published version stays public).
    case modificationRequested = "modificacion_solicitada"
    /// Modificación aprobada, en captura.
    case modifying = "en_modificacion"
    /// Modificación enviada por la representación, awaits re-verification.
    case modificationSubmitted = "modificacion_enviada"
    /// Modificación verificada, ready to publish again.
    case reverified = "reverificado"
    /// Publicado de nuevo tras su única modificación; no admite otra.
    case republished = "republicado"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .pending: "Pendiente"
        case .capturing: "En captura"
        case .complete: "Completo"
        case .authorized: "Autorizado"
        case .returned: "Devuelto con observaciones"
        case .verified: "Verificado"
        case .published: "Publicado"
        case .modificationRequested: "Modificación solicitada"
        case .modifying: "En modificación"
        case .modificationSubmitted: "Modificación enviada"
        case .reverified: "Modificación verificada"
        case .republished: "Publicado (modificado)"
        }
    }

    /// Whether a verified version of the profile is public in this state: from the first
    /// publication on, the last published version stays public while a modification is
    /// requested, captured and verified.
    public var hasPublishedVersion: Bool {
        switch self {
        case .published, .modificationRequested, .modifying, .modificationSubmitted, .reverified, .republished: true
        case .pending, .capturing, .complete, .authorized, .returned, .verified: false
        }
    }

    /// Whether candidates and representatives may edit the questionnaires in this state.
    public var isEditable: Bool {
        switch self {
        case .pending, .capturing, .complete, .authorized, .returned, .modifying: true
        case .verified, .published, .modificationRequested, .modificationSubmitted, .reverified, .republished: false
        }
    }
}
