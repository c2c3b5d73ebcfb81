/// How big a demo election to build from the process file.
public enum DemoScale: String, Sendable, Hashable, CaseIterable {
    /// A few seats of each office and three parties: seconds, for development.
    case small
    /// Every seat of every office of the process, every party, propietaria/o and suplente.
    case jalisco
    /// The process replicated 14 times (about 21,000 seats, the size of all of Mexico's
    /// 2024 offices): a load test, not a real geography.
    case national

    /// Copies of the whole process (ids are prefixed per copy).
    var replicas: Int { self == .national ? 14 : 1 }
    /// Seats taken from each office (all when nil).
    var seatLimit: Int? { self == .small ? 3 : nil }
    /// Parties taken from the process (all when nil).
    var partyLimit: Int? { self == .small ? 3 : nil }
}
