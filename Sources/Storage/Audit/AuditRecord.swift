import Foundation

/// An audit log line as stored: its sequence number and the entry, with the time rounded
/// to the second by the database.
public struct AuditRecord: Sendable, Hashable {
    /// Position in the log (increasing).
    public var id: Int64
    /// The entry.
    public var entry: AuditEntry
}
