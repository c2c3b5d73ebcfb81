/// A question or field of a form: its stable dotted identifier (used in `FieldIssue`,
/// form names and audit records) and its Spanish label.
public struct FormField: Sendable, Hashable {
    /// Stable dotted identifier, e.g. `identity.migrant.time_abroad`.
    public let id: String
    /// Spanish label as the form shows it.
    public let label: String

    /// A field with `id` and `label`.
    public init(_ id: String, _ label: String) {
        self.id = id
        self.label = label
    }
}
