import Foundation
import Testing

@testable import Storage

/// The plan of a full rebuild's writes: which rows are kept, closed and written, and the
/// display keys of the new ones.
@Suite struct SnapshotDiffTests {
    static func hash(_ text: String) -> Data { Data(text.utf8) }

    /// Current rows `ids` with keys 0, 1, 2… and hash = id.
    static func current(_ ids: [String]) -> [String: SnapshotDiff.Row] {
        Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, SnapshotDiff.Row(sortKey: Double($0), documentHash: hash($1))) })
    }

    static func diff(_ current: [String: SnapshotDiff.Row], _ ids: [String], changed: Set<String> = []) -> SnapshotDiff {
        SnapshotDiff(current: current, ids: ids, hashes: ids.map { hash(changed.contains($0) ? "\($0)'" : $0) })
    }

    @Test func anUnchangedSnapshotWritesNothing() {
        let ids = (0..<50).map { "C-\($0)" }
        let plan = Self.diff(Self.current(ids), ids)
        #expect(plan.write.isEmpty)
        #expect(plan.close.isEmpty)
        #expect(plan.sortKeys == (0..<50).map(Double.init))
    }

    @Test func aChangedDocumentRewritesOnlyItsRow() {
        let ids = ["A", "B", "C", "D"]
        let plan = Self.diff(Self.current(ids), ids, changed: ["C"])
        #expect(plan.write == [2])
        #expect(plan.close == ["C"])
        #expect(plan.sortKeys == [0, 1, 2, 3])
    }

    @Test func aCandidacyAddedInTheMiddleGetsAKeyBetweenItsNeighbours() {
        let plan = Self.diff(Self.current(["A", "B", "D", "E"]), ["A", "B", "C", "D", "E"])
        #expect(plan.write == [2])
        #expect(plan.close.isEmpty)
        #expect(plan.sortKeys == [0, 1, 1.5, 2, 3])
    }

    @Test func newRowsAtEitherEndAndARemovedOne() {
        let plan = Self.diff(Self.current(["B", "C", "D"]), ["Y", "Z", "B", "D", "E", "F"])
        #expect(plan.write == [0, 1, 4, 5])
        #expect(plan.close == ["C"])
        #expect(plan.sortKeys == [-2, -1, 0, 2, 3, 4])
    }

    @Test func aRowMovedEarlierRewritesItAloneNotTheRowsItPassed() {
        // "J" (key 9) now sorts second: keeping its key would force rewriting B…I.
        let old = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
        let new = ["A", "J", "B", "C", "D", "E", "F", "G", "H", "I"]
        let plan = Self.diff(Self.current(old), new)
        #expect(plan.write == [1])
        #expect(plan.close == ["J"])
        #expect(plan.sortKeys[1] > 0 && plan.sortKeys[1] < 1)
        #expect(zip(plan.sortKeys, plan.sortKeys.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func keysStayIncreasingForAnyReorderingAndEveryRowIsAccountedFor() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let old = (0..<Int.random(in: 0...40, using: &generator)).map { "C-\($0)" }
            var new = old.filter { _ in Bool.random(using: &generator) } + (0..<Int.random(in: 0...5, using: &generator)).map { "N-\($0)" }
            new.shuffle(using: &generator)
            let changed = Set(new.filter { _ in Int.random(in: 0..<10, using: &generator) == 0 })
            let current = Self.current(old)
            let plan = Self.diff(current, new, changed: changed)
            #expect(zip(plan.sortKeys, plan.sortKeys.dropFirst()).allSatisfy { $0 < $1 })
            // A row is kept only if its key and document are the same; every other current row is closed.
            for (index, id) in new.enumerated() where !plan.write.contains(index) {
                #expect(current[id]?.sortKey == plan.sortKeys[index] && !changed.contains(id))
            }
            #expect(Set(plan.close) == Set(old).subtracting(new.enumerated().filter { !plan.write.contains($0.offset) }.map(\.element)))
            #expect(plan.write.allSatisfy { index in changed.contains(new[index]) || current[new[index]]?.sortKey != plan.sortKeys[index] })
        }
    }

    @Test func withNoRoomLeftBetweenTwoKeysEveryRowIsRenumbered() {
        let current: [String: SnapshotDiff.Row] = [
            "A": .init(sortKey: 1, documentHash: Self.hash("A")), "C": .init(sortKey: 1.0000000000000002, documentHash: Self.hash("C")),
        ]
        let plan = Self.diff(current, ["A", "B", "C"])
        #expect(plan.sortKeys == [0, 1, 2])
        #expect(plan.write == [0, 1, 2])
        #expect(plan.close == ["A", "C"])
    }
}
