/// The answer to a question whose options come from a catalog (indigenous people,
/// country of residence, state of birth): a catalog key, "Otro" with text where the
/// question allows it, or "Prefiero no contestar". Keys are checked against the
/// `Catalogs` of the process when the questionnaire is validated.
///
/// Encoded as `{"key": "14"}`, `{"other": "…"}` or `{"prefer_not_to_answer": true}`.
public enum CatalogAnswer: Sendable, Hashable, Codable {
    /// An entry of the catalog, by key.
    case entry(key: String)
    /// "Otro", with what it is.
    case other(text: String)
    /// Prefiero no contestar.
    case preferNotToAnswer

    private enum CodingKeys: String, CodingKey {
        case key, other
        case preferNotToAnswer = "prefer_not_to_answer"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let key = try container.decodeIfPresent(String.self, forKey: .key) {
            self = .entry(key: key)
        } else if let text = try container.decodeIfPresent(String.self, forKey: .other) {
            self = .other(text: text)
        } else if try container.decodeIfPresent(Bool.self, forKey: .preferNotToAnswer) == true {
            self = .preferNotToAnswer
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "se espera key, other o prefer_not_to_answer"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .entry(let key): try container.encode(key, forKey: .key)
        case .other(let text): try container.encode(text, forKey: .other)
        case .preferNotToAnswer: try container.encode(true, forKey: .preferNotToAnswer)
        }
    }

    /// What to show: the entry's name in `catalog` (the key when unknown), the free text,
    /// or "Prefiero no contestar".
    public func displayText(in catalog: Catalog) -> String {
        switch self {
        case .entry(let key): catalog.entry(forKey: key)?.name ?? key
        case .other(let text): text.trimmedOfWhiteSpace
        case .preferNotToAnswer: "Prefiero no contestar"
        }
    }
}
