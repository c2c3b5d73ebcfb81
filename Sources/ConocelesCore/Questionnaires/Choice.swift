/// The answer to a single-choice question: one option and, only when the option is
/// "Otro/Otra", the text that says which.
public struct Choice<Option: ChoiceOption>: Sendable, Hashable, Codable {
    /// The option chosen.
    public var option: Option
    /// What "Otro/Otra" means; nil for every other option.
    public var otherText: String?

    /// Chooses `option`, with `otherText` for "Otro/Otra".
    public init(_ option: Option, otherText: String? = nil) {
        self.option = option
        self.otherText = otherText
    }

    /// What to show: the option's label, or the free text for "Otro/Otra".
    public var displayText: String {
        if option.asksForText, let otherText, !otherText.isBlank { return otherText.trimmedOfWhiteSpace }
        return option.label
    }
}
