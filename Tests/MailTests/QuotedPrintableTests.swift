import Testing
@testable import Mail

@Suite("QuotedPrintable")
struct QuotedPrintableTests {
    private func encode(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(text), as: UTF8.self)
    }

    @Test("encodes =, non-ASCII and trailing blanks; keeps inner blanks and leading dots")
    func basics() {
        #expect(encode("a=b") == "a=3Db")
        #expect(encode("año") == "a=C3=B1o")
        #expect(encode("fin  ") == "fin=20=20")
        #expect(encode("fin\t\nx") == "fin=09\r\nx")
        #expect(encode("   ") == "=20=20=20")
        #expect(encode(".\n..\n.hola") == ".\r\n..\r\n.hola")
        #expect(encode("a\r\nb\rc\nd") == "a\r\nb\r\nc\r\nd")
        #expect(encode("") == "")
        #expect(encode("🗳") == "=F0=9F=97=B3")
    }

    @Test("soft breaks keep lines at 76 without splitting an escape")
    func softBreaks() {
        let encoded = encode(String(repeating: "ñ", count: 100) + String(repeating: "x", count: 200))
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        let unfolded = lines.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined()
        #expect(unfolded == String(repeating: "=C3=B1", count: 100) + String(repeating: "x", count: 200))
        #expect(encode(String(repeating: "x", count: 76)) == String(repeating: "x", count: 76))
        #expect(encode(String(repeating: "x", count: 77)) == String(repeating: "x", count: 75) + "=\r\nxx")
    }
}
