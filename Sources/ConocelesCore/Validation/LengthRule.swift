/// A length limit in characters not counting white space (see `String.nonWhiteSpaceCount`):
/// an optional minimum and a maximum, both inclusive.
public struct LengthRule: Sendable, Hashable, Codable {
    /// Fewest characters allowed, or nil when any non-empty text is long enough.
    public var minimum: Int?
    /// Most characters allowed.
    public var maximum: Int

    /// A rule from `minimum` (nil for none) to `maximum`.
    public init(minimum: Int?, maximum: Int) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// How a text breaks this rule, or nil when it fits.
    public func violation(for text: String) -> LengthViolation? {
        let count = text.nonWhiteSpaceCount
        if let minimum, count < minimum { return .tooShort(missing: minimum - count, minimum: minimum) }
        if count > maximum { return .tooLong(excess: count - maximum, maximum: maximum) }
        return nil
    }

    /// Spanish description of the range: "entre 280 y 5,000 caracteres (sin contar espacios)"
    /// or "hasta 250 caracteres (sin contar espacios)".
    public var rangeDescription: String {
        if let minimum {
            return "entre \(SpanishNumberFormat.format(minimum)) y \(SpanishNumberFormat.format(maximum)) caracteres (sin contar espacios)"
        }
        return "hasta \(SpanishNumberFormat.format(maximum)) caracteres (sin contar espacios)"
    }
}

/// How a text breaks a `LengthRule`.
public enum LengthViolation: Sendable, Hashable {
    /// `missing` characters short of `minimum`.
    case tooShort(missing: Int, minimum: Int)
    /// `excess` characters over `maximum`.
    case tooLong(excess: Int, maximum: Int)

    /// The Spanish message a candidate reads, e.g. "Faltan 37 caracteres (sin contar
    /// espacios) para el mínimo de 280." or "Sobran 12 caracteres (sin contar espacios)
    /// sobre el máximo de 5,000.", singular for one character.
    public var message: String {
        switch self {
        case .tooShort(let missing, let minimum):
            let verb = missing == 1 ? "Falta" : "Faltan"
            return "\(verb) \(Self.characters(missing)) (sin contar espacios) para el mínimo de \(SpanishNumberFormat.format(minimum))."
        case .tooLong(let excess, let maximum):
            let verb = excess == 1 ? "Sobra" : "Sobran"
            return "\(verb) \(Self.characters(excess)) (sin contar espacios) sobre el máximo de \(SpanishNumberFormat.format(maximum))."
        }
    }

    /// Whether the text is too short (rather than too long).
    public var isTooShort: Bool {
        if case .tooShort = self { return true }
        return false
    }

    private static func characters(_ count: Int) -> String {
        count == 1 ? "1 carácter" : "\(SpanishNumberFormat.format(count)) caracteres"
    }
}
