import Foundation

/// What staff see of a profile's photo: the photo check's status and, when refused, why.
public struct PhotoStatusSummary: Sendable, Hashable {
    /// `received` (being checked), `accepted` or `rejected` (the `photos.status` values).
    public var status: String
    /// The refusal reason of a rejected photo.
    public var rejectionReason: String?
    /// When it was uploaded.
    public var uploadedAt: Date

    /// Spanish label of `status`.
    public var label: String {
        switch status {
        case "received": "Recibida, en revisión"
        case "accepted": "Aceptada"
        case "rejected": "Rechazada"
        default: status
        }
    }
}
