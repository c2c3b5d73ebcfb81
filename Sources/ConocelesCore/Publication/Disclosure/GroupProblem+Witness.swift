extension GroupProblem {
    /// The change of every cell when the people of `chosen` (one per unit) flip their answer:
    /// members out of the group, non-members into it. Only the cells that change, in order.
    func effect(_ chosen: [Int]) -> [Delta] {
        var deltas: [Delta] = []
        for unit in chosen {
            let sign = units[unit].member ? -1 : 1
            for cell in units[unit].footprint {
                if let index = deltas.firstIndex(where: { $0.cell == cell }) {
                    deltas[index].change += sign
                } else {
                    deltas.append(Delta(cell: cell, change: sign))
                }
            }
        }
        return deltas.filter { $0.change != 0 }.sorted { $0.cell < $1.cell }
    }

    /// Flipping `chosen` as a witness: the shown counts of the current release it alters
    /// (to be reserved) and its cost; nil when it alters a count the previous release showed
    /// (that one cannot be taken back) or leaves `target` as it is.
    func candidate(_ chosen: [Int], changing target: Int?) -> Candidate? {
        let deltas = effect(chosen)
        if let target, !deltas.contains(where: { $0.cell == target }) { return nil }
        var alters: [Int] = []
        var score = 0
        for delta in deltas where cells[delta.cell].published {
            guard cells[delta.cell].release == Self.current else { return nil }
            alters.append(delta.cell)
            // Fewest new reservations first, then never the total if avoidable, then the smallest rows.
            let isTotal = cells[delta.cell].dimension == IdentityRelease.Dimension.total.rawValue
            score += 1_000_000 + (isTotal ? 500_000 : 0) + cells[delta.cell].profiles
        }
        return Candidate(units: chosen, alters: alters, score: score)
    }

    /// The cheapest witness for `target` among: one flip, a member and a non-member
    /// swapping, and (for a person) two such swaps that cancel out everywhere. Stops at the
    /// first witness that alters no shown count. Nil when none exists.
    mutating func best(for target: Target) -> Candidate? {
        var best: Candidate?
        func consider(_ candidate: Candidate?) -> Bool {
            guard let candidate else { return false }
            if best == nil || candidate.score < best!.score { best = candidate }
            return candidate.score == 0
        }
        switch target {
        case .cell(let cell):
            let seeds = units.indices.filter { units[$0].footprint.contains(cell) }
            for seed in seeds where consider(candidate([seed], changing: cell)) { return best }
            for seed in seeds {
                for partner in units.indices where units[partner].member != units[seed].member {
                    if consider(candidate([seed, partner], changing: cell)) { return best }
                }
            }
        case .person(let unit):
            for partner in units.indices where !units[partner].member {
                if consider(candidate([unit, partner], changing: nil)) { return best }
            }
            if pairSignatures == nil { pairSignatures = signatures() }
            for partner in units.indices where !units[partner].member {
                let opposite = effect([unit, partner]).map { Delta(cell: $0.cell, change: -$0.change) }
                for pair in pairSignatures?[opposite] ?? [] where pair.member != unit && pair.nonMember != partner {
                    if consider(candidate([unit, partner, pair.member, pair.nonMember], changing: nil)) { return best }
                }
            }
            _ = consider(candidate([unit], changing: nil))
        }
        return best
    }

    /// Every (member, non-member) pair of units by the effect of swapping them (a few per effect).
    func signatures() -> [[Delta]: [Pair]] {
        var map: [[Delta]: [Pair]] = [:]
        for member in units.indices where units[member].member {
            for nonMember in units.indices where !units[nonMember].member {
                let deltas = effect([member, nonMember])
                guard !deltas.isEmpty, (map[deltas]?.count ?? 0) < 4 else { continue }
                map[deltas, default: []].append(Pair(member: member, nonMember: nonMember))
            }
        }
        return map
    }
}
