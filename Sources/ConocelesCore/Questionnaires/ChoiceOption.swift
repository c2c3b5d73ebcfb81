/// The options of a multiple-choice question: stable raw values for storage, a Spanish
/// label, which option is "Prefiero no contestar" and which (if any) is "Otro/Otra",
/// the one that asks for free text.
public protocol ChoiceOption: RawRepresentable, CaseIterable, Sendable, Hashable, Codable where RawValue == String {
    /// Spanish label shown to people.
    var label: String { get }
    /// Whether this is "Otro/Otra", which requires free text.
    var asksForText: Bool { get }
    /// Whether this is "Prefiero no contestar".
    var isPreferNotToAnswer: Bool { get }
}

extension ChoiceOption {
    /// No option asks for text unless the type says so.
    public var asksForText: Bool { false }
}
