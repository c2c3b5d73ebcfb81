#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A person's express consent to publish their identity answers on their profile.
/// Revocable at any time; revocation unpublishes them at once. Without consent the
/// answers feed statistics only.
public enum IdentityConsent: Sendable, Hashable, Codable {
    /// Never given.
    case notGiven
    /// Given at this time.
    case granted(at: Date)
    /// Given, then revoked at this time.
    case revoked(at: Date)

    /// Whether the answers may be published now.
    public var isGranted: Bool {
        if case .granted = self { return true }
        return false
    }

    /// Consent given at `date` (again, after a revocation).
    public func granting(at date: Date) -> IdentityConsent { .granted(at: date) }

    /// Consent revoked at `date`; a consent never given stays not given.
    public func revoking(at date: Date) -> IdentityConsent {
        if case .notGiven = self { return .notGiven }
        return .revoked(at: date)
    }
}
