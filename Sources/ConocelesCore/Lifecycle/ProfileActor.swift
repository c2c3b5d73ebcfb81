/// One actor on a profile: a role and the account (or job) that acted.
public struct ProfileActor: Sendable, Hashable, Codable {
    /// The role acted in.
    public var role: ActorRole
    /// The account id, or the job kind for the system.
    public var id: String

    /// An actor of `role` identified by `id`.
    public init(role: ActorRole, id: String) {
        self.role = role
        self.id = id
    }

    /// The system acting through `job` (e.g. `profile.check`).
    public static func system(_ job: String) -> ProfileActor { ProfileActor(role: .system, id: job) }
}
