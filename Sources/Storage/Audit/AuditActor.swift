import ConocelesCore

/// Who did something, as the audit log records it: a role (an `ActorRole` or an
/// `AccountRole` raw value) and the account id, or the job kind for the system.
public struct AuditActor: Sendable, Hashable, Codable {
    /// Stored role: `persona_candidata`, `representacion`, `instancia_interna`,
    /// `igualdad_genero`, `informatica` or `sistema`.
    public var role: String
    /// Account id, or job kind (`profile.check`) for the system.
    public var id: String

    /// The actor of a profile action.
    public init(_ actor: ProfileActor) {
        self.role = actor.role.rawValue
        self.id = actor.id
    }

    /// An account acting in its role.
    public init(role: AccountRole, id: String) {
        self.role = role.rawValue
        self.id = id
    }

    /// An actor as stored (role raw value and id).
    init(storedRole: String, id: String) {
        self.role = storedRole
        self.id = id
    }

    /// The system acting through a job or command (e.g. `registration.ingest`, `demo`).
    public static func system(_ job: String) -> AuditActor { AuditActor(ProfileActor.system(job)) }
}
