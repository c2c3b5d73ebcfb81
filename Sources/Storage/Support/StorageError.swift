/// A repository refused or could not complete an operation: a stable English code for
/// the API and logs, and a Spanish message for the person.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes; the web layer maps them to HTTP status (404, 409, 423, 500).
    public enum Code: String, Sendable, Hashable {
        /// The row asked for does not exist.
        case notFound = "not_found"
        /// A uniqueness or state rule refused the write (a second account, a stale state).
        case conflict = "conflict"
        /// The write was based on a revision that changed meanwhile (nothing was written).
        case stale = "stale"
        /// The data are blocked (sensitive data of a withdrawn candidacy).
        case blocked = "blocked"
        /// A stored value could not be decoded (a schema or a program bug).
        case invalidStoredData = "invalid_stored_data"
    }

    /// What went wrong.
    public let code: Code
    /// Spanish message.
    public let message: String

    /// An error with `code` and a Spanish `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, for logs.
    public var description: String { "\(code.rawValue): \(message)" }
}
