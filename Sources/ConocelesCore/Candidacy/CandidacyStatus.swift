/// Registration-side status of a candidacy: approved by the electoral body, then possibly
/// substituted by another person or cancelled. Substituted and cancelled are final.
public enum CandidacyStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Aprobada: the candidacy is active.
    case approved = "aprobada"
    /// Sustituida: replaced by another person's candidacy; withdrawn from public outputs.
    case substituted = "sustituida"
    /// Cancelada: withdrawn from public outputs.
    case cancelled = "cancelada"

    /// Spanish label shown to people.
    public var label: String {
        switch self {
        case .approved: "Aprobada"
        case .substituted: "Sustituida"
        case .cancelled: "Cancelada"
        }
    }

    /// Whether the candidacy is active (neither substituted nor cancelled).
    public var isActive: Bool { self == .approved }

    /// Whether a registration event may move a candidacy from this status to `next`:
    /// only an approved candidacy can be substituted or cancelled.
    public func canChange(to next: CandidacyStatus) -> Bool {
        self == .approved && next != .approved
    }
}
