import Testing
@testable import ConocelesCore

@Suite("Counting characters without white space")
struct NonWhiteSpaceCountTests {
    @Test(
        "Known texts",
        arguments: [
            ("", 0),
            ("abc", 3),
            ("a b c", 3),
            ("Hola mundo", 9),
            (" \t\n\r\n\u{00A0}\u{2003}\u{3000}\u{202F}\u{2028}\u{2029}\u{1680}\u{200B}\u{FEFF}", 0),
            ("canción", 7),
            ("cancio\u{301}n", 7),
            ("a\u{308}\u{323}", 1),
            ("😀", 1),
            ("👍🏽", 1),
            ("👨‍👩‍👧‍👦", 1),
            ("🇲🇽🇺🇸", 2),
            ("Sí,\u{00A0}señor", 8),
            ("línea\nnueva\tcon tabulador", 22),
        ])
    func knownTexts(text: String, expected: Int) {
        #expect(text.nonWhiteSpaceCount == expected)
    }

    @Test("Generated texts have exactly the requested count", arguments: [0, 1, 13, 279, 280, 281, 1_600, 1_601, 5_000, 5_001])
    func generated(count: Int) {
        let text = Factories.text(count)
        #expect(text.nonWhiteSpaceCount == count)
        // The generated text is longer than its count: white space really is in it.
        #expect(text.count > count)
    }

    @Test func blankAndTrim() {
        #expect("\u{00A0}\t \n".isBlank)
        #expect(!"\u{00A0}x".isBlank)
        #expect("\u{00A0} Hola mundo\n\t".trimmedOfWhiteSpace == "Hola mundo")
        #expect("   ".trimmedOfWhiteSpace == "")
    }

    @Test(
        "Spanish number format",
        arguments: [(0, "0"), (7, "7"), (280, "280"), (1_600, "1,600"), (5_000, "5,000"), (12_345, "12,345"), (1_234_567, "1,234,567"), (-5_000, "-5,000")])
    func numberFormat(value: Int, expected: String) {
        #expect(SpanishNumberFormat.format(value) == expected)
    }
}
