/// A word-level difference between two texts, for showing staff what changed in a profile
/// since its last published version. Texts are cut into words and runs of white space, so
/// joining every segment's text gives back either text exactly.
public enum TextDiff {
    /// One run of the result.
    public struct Segment: Sendable, Hashable {
        /// What the run is.
        public enum Kind: Sendable, Hashable {
            /// In both texts.
            case same
            /// Only in the old text.
            case deleted
            /// Only in the new text.
            case inserted
        }

        public var kind: Kind
        public var text: String

        public init(_ kind: Kind, _ text: String) {
            self.kind = kind
            self.text = text
        }
    }

    /// Above this many cells (words and spaces of one text times those of the other) the
    /// texts are compared whole, all deleted and all inserted: the longest-common-subsequence
    /// table would grow too large. 4 million cells (16 MB) covers two 5,000-character texts.
    public static let tableLimit = 4_000_000

    /// The runs that turn `old` into `new`: unchanged, deleted and inserted words, merged
    /// into runs of the same kind. Equal texts give one `same` run (none when both are empty).
    public static func segments(from old: String, to new: String) -> [Segment] {
        if old == new { return old.isEmpty ? [] : [Segment(.same, old)] }
        let a = words(old), b = words(new)
        guard a.count * b.count <= tableLimit else {
            return [Segment(.deleted, old), Segment(.inserted, new)].filter { !$0.text.isEmpty }
        }
        // Longest common subsequence over words, from the end so the walk goes forward;
        // at a change, deletions come before insertions.
        let n = a.count, m = b.count
        var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        let width = m + 1
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] =
                        a[i] == b[j]
                        ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
        }
        var result: [Segment] = []
        func append(_ kind: Segment.Kind, _ text: Substring) {
            if let last = result.last, last.kind == kind {
                result[result.count - 1].text += text
            } else {
                result.append(Segment(kind, String(text)))
            }
        }
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                append(.same, b[j]); i += 1; j += 1
            } else if i < n, j == m || table[(i + 1) * width + j] >= table[i * width + j + 1] {
                append(.deleted, a[i]); i += 1
            } else {
                append(.inserted, b[j]); j += 1
            }
        }
        return result
    }

    /// `text` cut into alternating runs of white space and of anything else.
    static func words(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if next < text.endIndex, text[next].isWhitespace != text[index].isWhitespace {
                result.append(text[start..<next])
                start = next
            }
            index = next
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result
    }
}
