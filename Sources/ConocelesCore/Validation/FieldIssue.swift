/// One missing or invalid field of a questionnaire: where it is, what is wrong (a stable
/// English code) and what the candidate should do (Spanish).
public struct FieldIssue: Sendable, Hashable, Codable {
    /// What is wrong, as a stable code the web layer and tests rely on.
    public enum Code: String, Sendable, Hashable, Codable {
        /// A required answer is missing.
        case missing
        /// Fewer characters than the minimum.
        case tooShort = "too_short"
        /// More characters than the maximum.
        case tooLong = "too_long"
        /// An e-mail address that is not valid.
        case invalidEmail = "invalid_email"
        /// A phone number that is not a valid Mexican number.
        case invalidPhone = "invalid_phone"
        /// A URL that is not valid or not of the expected social network.
        case invalidURL = "invalid_url"
        /// A value not in its catalog.
        case notInCatalog = "not_in_catalog"
        /// "Otro/Otra" chosen without saying which.
        case otherTextMissing = "other_text_missing"
        /// Free text given without choosing "Otro/Otra".
        case otherTextUnexpected = "other_text_unexpected"
        /// A follow-up answered although the previous answer was not "Sí".
        case notApplicableExpected = "not_applicable_expected"
        /// "Prefiero no contestar" combined with other options.
        case conflictingOptions = "conflicting_options"
        /// Any other value that breaks a rule (photo date, photo size, status).
        case invalid
    }

    /// Stable dotted identifier of the field, e.g. `curricular.professional_history`,
    /// `curricular.contact.emails[1]`, `identity.disability.types`.
    public var field: String
    /// Spanish name of the field as the form shows it.
    public var label: String
    /// What is wrong.
    public var code: Code
    /// Spanish message a candidate understands.
    public var message: String

    /// An issue of `field` (labelled `label`) with `code` and `message`.
    public init(field: String, label: String, code: Code, message: String) {
        self.field = field
        self.label = label
        self.code = code
        self.message = message
    }
}
