extension String {
    /// The number of characters the rules count: Unicode grapheme clusters after removing
    /// every white-space scalar (Unicode `White_Space`: spaces, tabs, line breaks,
    /// non-breaking and other Unicode spaces) and the invisible separators that people
    /// paste to pad a text (zero-width space U+200B, word joiner U+2060, BOM U+FEFF,
    /// Mongolian vowel separator U+180E). An accented letter, a letter with combining
    /// marks or an emoji (even a ZWJ sequence) counts as one.
    public var nonWhiteSpaceCount: Int {
        var kept = String.UnicodeScalarView()
        for scalar in unicodeScalars where !scalar.isCountedAsWhiteSpace {
            kept.append(scalar)
        }
        return String(kept).count
    }

    /// Whether the text has nothing but white space (see `nonWhiteSpaceCount`).
    public var isBlank: Bool {
        unicodeScalars.allSatisfy(\.isCountedAsWhiteSpace)
    }

    /// The text without leading and trailing white space (as `nonWhiteSpaceCount` defines it).
    public var trimmedOfWhiteSpace: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.isCountedAsWhiteSpace }),
            let last = scalars.lastIndex(where: { !$0.isCountedAsWhiteSpace })
        else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}

extension Unicode.Scalar {
    /// White space for the character-counting rules: Unicode `White_Space` plus invisible
    /// separators that render as nothing.
    var isCountedAsWhiteSpace: Bool {
        if properties.isWhitespace { return true }
        switch value {
        case 0x200B, 0x2060, 0xFEFF, 0x180E: return true
        default: return false
        }
    }
}
