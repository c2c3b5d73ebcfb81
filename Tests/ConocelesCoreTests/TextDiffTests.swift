import ConocelesCore
import Testing

@Suite("TextDiff")
struct TextDiffTests {
    func render(_ segments: [TextDiff.Segment]) -> String {
        segments.map { segment in
            switch segment.kind {
            case .same: segment.text
            case .deleted: "[-\(segment.text)-]"
            case .inserted: "{+\(segment.text)+}"
            }
        }.joined()
    }

    @Test func changedWordsAreMarkedDeletionsFirst() {
        #expect(render(TextDiff.segments(from: "Fui maestra rural", to: "Fui directora rural")) == "Fui [-maestra-]{+directora+} rural")
        #expect(render(TextDiff.segments(from: "uno dos tres", to: "uno tres")) == "uno [-dos -]tres")
        #expect(render(TextDiff.segments(from: "uno", to: "uno dos")) == "uno{+ dos+}")
        #expect(render(TextDiff.segments(from: "", to: "nuevo")) == "{+nuevo+}")
        #expect(render(TextDiff.segments(from: "viejo", to: "")) == "[-viejo-]")
    }

    @Test func equalTextsAreOneUnchangedRunAndSegmentsRebuildBothTexts() {
        #expect(TextDiff.segments(from: "igual", to: "igual") == [TextDiff.Segment(.same, "igual")])
        #expect(TextDiff.segments(from: "", to: "").isEmpty)
        let old = "  La educación pública\nes prioridad 🇲🇽 de todas y todos", new = "La educación  pública es\nla prioridad 🇲🇽 de todos"
        let segments = TextDiff.segments(from: old, to: new)
        #expect(segments.filter { $0.kind != .inserted }.map(\.text).joined() == old)
        #expect(segments.filter { $0.kind != .deleted }.map(\.text).joined() == new)
        // Adjacent runs never share a kind.
        #expect(zip(segments, segments.dropFirst()).allSatisfy { $0.kind != $1.kind })
    }

    @Test func veryLongTextsAreComparedWhole() {
        let old = String(repeating: "palabra ", count: 1_500), new = old + "más"
        #expect(TextDiff.segments(from: old, to: new) == [TextDiff.Segment(.deleted, old), TextDiff.Segment(.inserted, new)])
    }
}
