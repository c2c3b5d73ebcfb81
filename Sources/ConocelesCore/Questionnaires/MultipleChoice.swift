/// The answer to a question that accepts several options (types of disability, what a
/// disability makes difficult): at least one option, "Prefiero no contestar" alone, and
/// the text of "Otra" when it is among them.
public struct MultipleChoice<Option: ChoiceOption>: Sendable, Hashable, Codable {
    /// The options chosen, in the order of the question.
    public var options: [Option]
    /// What "Otra" means; nil unless "Otra" is chosen.
    public var otherText: String?

    /// Chooses `options` (kept in the question's order, once each), with `otherText` for "Otra".
    public init(_ options: [Option], otherText: String? = nil) {
        let chosen = Set(options)
        self.options = Option.allCases.filter { chosen.contains($0) }
        self.otherText = otherText
    }

    /// What to show: the labels (the free text in place of "Otra"), joined by commas.
    public var displayText: String {
        options.map { option in
            if option.asksForText, let otherText, !otherText.isBlank { return otherText.trimmedOfWhiteSpace }
            return option.label
        }.joined(separator: ", ")
    }
}
