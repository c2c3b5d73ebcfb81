/// RFC 2047 encoded-words (`=?UTF-8?B?...?=`) for display names and unstructured headers.
///
/// Only the words that need it are encoded; consecutive ones are encoded together, spaces
/// included, because white space between two encoded-words is dropped by RFC 2047 decoders
/// (and kept by some others, such as Python's phrase parser): keeping words that need no
/// encoding as plain text makes both read the same. Base64 ("B") keeps one set of rules for
/// phrases and unstructured text. A word carries at most 36 bytes of whole UTF-8 scalars, so
/// it is 60 characters at most and fits a line after a header name (RFC 2047: lines with
/// encoded-words ≤ 76, words ≤ 75).
enum EncodedWord {
    static let maximumBytesPerWord = 36

    /// Header tokens for `text`, to be joined by single spaces (or folding white space):
    /// the words `isPlain` accepts as they are, runs of the others as encoded-words.
    static func tokens(for text: String, isPlain: (Substring) -> Bool) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        var encoded = words.map { !$0.isEmpty && !(isPlain($0) && !$0.contains("=?") && $0.utf8.count <= 70) }
        // An empty word (from a double space) between encoded words belongs to their run.
        for index in words.indices where words[index].isEmpty {
            let before = words[..<index].lastIndex { !$0.isEmpty }.map { encoded[$0] } ?? false
            let after = words[(index + 1)...].firstIndex { !$0.isEmpty }.map { encoded[$0] } ?? false
            encoded[index] = before && after
        }
        var tokens: [String] = []
        var run: [Substring] = []
        for (word, isEncoded) in zip(words, encoded) {
            if isEncoded {
                run.append(word)
                continue
            }
            if !run.isEmpty { tokens += encode(run.joined(separator: " ")) }
            run.removeAll()
            tokens.append(String(word))
        }
        if !run.isEmpty { tokens += encode(run.joined(separator: " ")) }
        return tokens
    }

    /// `text` as one or more encoded-words, split after a space where possible.
    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        var lastSpaceEnd: Int?
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytesPerWord {
                let cut = lastSpaceEnd ?? chunk.count
                words.append(word(for: Array(chunk[..<cut])))
                chunk.removeFirst(cut)
                lastSpaceEnd = nil
            }
            chunk.append(contentsOf: bytes)
            if scalar == " " { lastSpaceEnd = chunk.count }
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(for: chunk)) }
        return words
    }

    private static func word(for bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Base64.encode(bytes) + "?="
    }
}
