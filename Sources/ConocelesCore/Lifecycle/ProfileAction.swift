/// Something an actor does to a profile's workflow.
public enum ProfileAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Begin capture (pending → capturing).
    case startCapture = "iniciar_captura"
    /// The profile passes the completeness check (capturing → complete).
    case markComplete = "marcar_completo"
    /// Edit a complete or authorized profile again (→ capturing); an authorization lapses.
    case reopen = "reabrir"
    /// The representative authorizes publication (complete → authorized).
    case authorize = "autorizar"
    /// Staff verify the profile against the rules (authorized → verified).
    case verify = "verificar"
    /// Staff return the profile with observations (authorized/verified → returned;
    /// a submitted or re-verified modification → modifying).
    case returnWithObservations = "devolver"
    /// Resume capture after a return (returned → capturing).
    case resumeCapture = "retomar_captura"
    /// Publish (verified → published).
    case publish = "publicar"
    /// The representative requests the single modification (published → modificationRequested).
    case requestModification = "solicitar_modificacion"
    /// Staff approve the request (modificationRequested → modifying).
    case approveModification = "aprobar_modificacion"
    /// Staff reject the request (modificationRequested → published; it may be requested again).
    case rejectModification = "rechazar_modificacion"
    /// The representative submits the complete modification (modifying → modificationSubmitted).
    case submitModification = "enviar_modificacion"
    /// Staff verify the modification (modificationSubmitted → reverified).
    case reverify = "reverificar"
    /// Publish the modified profile (reverified → republished).
    case republish = "republicar"

    /// Spanish verb shown in messages.
    public var label: String {
        switch self {
        case .startCapture: "iniciar la captura"
        case .markComplete: "marcar como completo"
        case .reopen: "reabrir la captura"
        case .authorize: "autorizar la publicación"
        case .verify: "verificar"
        case .returnWithObservations: "devolver con observaciones"
        case .resumeCapture: "retomar la captura"
        case .publish: "publicar"
        case .requestModification: "solicitar la modificación"
        case .approveModification: "aprobar la modificación"
        case .rejectModification: "rechazar la modificación"
        case .submitModification: "enviar la modificación"
        case .reverify: "verificar la modificación"
        case .republish: "publicar la modificación"
        }
    }
}
