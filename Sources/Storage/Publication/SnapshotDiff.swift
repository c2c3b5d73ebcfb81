import Foundation

/// What a full rebuild must write, given the rows the current snapshot sees: the rows whose
/// document or display key changed are closed and written anew, the others are kept and
/// shared with the new version.
///
/// Display keys (`sort_key`) are kept wherever the order allows: the longest run of current
/// rows that stays in increasing key order in the new display order keeps its keys; every
/// other row (new, or moved) gets a key between its kept neighbours. So one candidacy added,
/// removed or moved rewrites one row, not every row after it.
struct SnapshotDiff: Equatable {
    /// The current snapshot's open row of a candidacy.
    struct Row: Equatable {
        var sortKey: Double
        var documentHash: Data?
    }

    /// The display key of each new row, in the new display order.
    var sortKeys: [Double]
    /// Positions (in the new order) of the rows to write.
    var write: [Int]
    /// Candidacies whose open row must be closed: rewritten or no longer listed.
    var close: [String]

    /// The diff from `current` (open rows by candidacy) to `ids` in display order with their
    /// document `hashes`.
    init(current: [String: Row], ids: [String], hashes: [Data]) {
        precondition(ids.count == hashes.count)
        let oldKeys = ids.map { current[$0]?.sortKey }
        let kept = Self.longestIncreasingRun(oldKeys)
        let sortKeys = Self.keys(oldKeys: oldKeys, kept: kept) ?? ids.indices.map(Double.init)
        var write: [Int] = [], close: [String] = []
        var listed = Set<String>()
        listed.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            listed.insert(id)
            guard let old = current[id] else { write.append(index); continue }
            if old.sortKey != sortKeys[index] || old.documentHash != hashes[index] {
                write.append(index)
                close.append(id)
            }
        }
        for id in current.keys where !listed.contains(id) { close.append(id) }
        self.sortKeys = sortKeys
        self.write = write
        self.close = close.sorted()
    }

    /// Positions of a longest strictly increasing subsequence of the non-nil `keys`
    /// (patience sorting, O(n log n)), as a set of flags.
    static func longestIncreasingRun(_ keys: [Double?]) -> [Bool] {
        var tails: [Int] = []  // tails[k]: position of the smallest tail of a run of length k + 1
        var previous = [Int](repeating: -1, count: keys.count)
        for (position, key) in keys.enumerated() {
            guard let key else { continue }
            var low = 0, high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if keys[tails[middle]]! < key { low = middle + 1 } else { high = middle }
            }
            if low > 0 { previous[position] = tails[low - 1] }
            if low == tails.count { tails.append(position) } else { tails[low] = position }
        }
        var kept = [Bool](repeating: false, count: keys.count)
        var position = tails.last ?? -1
        while position >= 0 {
            kept[position] = true
            position = previous[position]
        }
        return kept
    }

    /// Keys for every position: the old key where `kept`, else evenly between the kept
    /// neighbours (one apart past either end). Nil when doubles leave no room between two
    /// kept keys (the caller renumbers every row).
    static func keys(oldKeys: [Double?], kept: [Bool]) -> [Double]? {
        var result = [Double](repeating: 0, count: oldKeys.count)
        var index = 0
        var before: Double? = nil
        while index < oldKeys.count {
            if kept[index] {
                result[index] = oldKeys[index]!
                before = result[index]
                index += 1
                continue
            }
            var end = index
            while end < oldKeys.count && !kept[end] { end += 1 }
            let after: Double? = end < oldKeys.count ? oldKeys[end]! : nil
            let count = end - index
            for offset in 0..<count {
                let step = Double(offset + 1)
                let key: Double
                switch (before, after) {
                case (nil, nil): key = step - 1
                case (let low?, nil): key = low + step
                case (nil, let high?): key = high - Double(count) + step - 1
                case (let low?, let high?): key = low + (high - low) * step / Double(count + 1)
                }
                result[index + offset] = key
            }
            index = end
        }
        for position in result.indices.dropFirst() where !(result[position - 1] < result[position]) { return nil }
        return result
    }
}
