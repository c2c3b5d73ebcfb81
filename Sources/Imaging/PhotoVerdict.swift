/// The outcome of checking one photo.
public enum PhotoVerdict: Sendable, Hashable {
    /// The photo is usable; variants are ready to store.
    case accepted(AcceptedPhoto)
    /// The photo cannot be used, and why.
    case refused(PhotoRefusal)

    /// The accepted photo, or nil.
    public var accepted: AcceptedPhoto? {
        if case .accepted(let photo) = self { photo } else { nil }
    }

    /// The refusal, or nil.
    public var refusal: PhotoRefusal? {
        if case .refused(let refusal) = self { refusal } else { nil }
    }
}
