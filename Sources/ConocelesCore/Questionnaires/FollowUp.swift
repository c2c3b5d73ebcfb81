/// A follow-up question, which applies only when the question before it was answered
/// "Sí": then it holds an answer; otherwise it must be "No aplica".
///
/// Encoded as the answer itself, or as the string `"no_aplica"`.
public enum FollowUp<Answer: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// No aplica: the previous answer was not "Sí".
    case notApplicable
    /// The answer given.
    case answered(Answer)

    /// The stored form of "No aplica".
    static var notApplicableRawValue: String { "no_aplica" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self), text == Self.notApplicableRawValue {
            self = .notApplicable
        } else {
            self = .answered(try container.decode(Answer.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .notApplicable: try container.encode(Self.notApplicableRawValue)
        case .answered(let answer): try container.encode(answer)
        }
    }

    /// The answer, or nil for "No aplica".
    public var answer: Answer? {
        if case .answered(let answer) = self { return answer }
        return nil
    }
}
