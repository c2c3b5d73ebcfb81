/// Every missing or invalid field of a profile. A profile is complete (it may move to
/// `ProfileState.complete`) exactly when the report has no issues.
public struct CompletenessReport: Sendable, Hashable, Codable {
    /// Issues in the order of the form.
    public var issues: [FieldIssue]

    /// A report with `issues` (none by default).
    public init(issues: [FieldIssue] = []) {
        self.issues = issues
    }

    /// Whether nothing is missing or invalid.
    public var isComplete: Bool { issues.isEmpty }

    /// The issues of one field (by its exact identifier).
    public func issues(for field: String) -> [FieldIssue] {
        issues.filter { $0.field == field }
    }

    /// The identifiers of every field with at least one issue, in form order, once each.
    public var fields: [String] {
        var seen = Set<String>()
        return issues.compactMap { seen.insert($0.field).inserted ? $0.field : nil }
    }

    /// This report followed by `other`'s issues.
    public func merging(_ other: CompletenessReport) -> CompletenessReport {
        CompletenessReport(issues: issues + other.issues)
    }

    /// Spanish summary for the top of a form: "Perfil completo." or "Faltan o son
    /// incorrectos 3 datos." (singular for one).
    public var summary: String {
        switch fields.count {
        case 0: "Perfil completo."
        case 1: "Falta o es incorrecto 1 dato."
        case let count: "Faltan o son incorrectos \(SpanishNumberFormat.format(count)) datos."
        }
    }
}
