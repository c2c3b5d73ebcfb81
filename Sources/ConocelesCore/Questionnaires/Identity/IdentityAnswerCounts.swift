/// Counts of the identity answers of all active candidacies, for the progress reports (staff
/// only; the public statistics are `IdentityStatistics`): for each group, how many answered Sí,
/// No or "Prefiero no contestar" and how many left it unanswered, in total and Sí by gender.
/// Only counts: an individual answer never leaves the accumulator.
public struct IdentityAnswerCounts: Sendable, Hashable {
    /// Counts of one group's membership question.
    public struct Tally: Sendable, Hashable {
        public var yes = 0, no = 0, preferNotToAnswer = 0, unanswered = 0
        /// Sí by the candidacy's gender.
        public var yesByGender: [Gender: Int] = [:]

        public init() {}

        /// Questionnaires counted.
        public var total: Int { yes + no + preferNotToAnswer + unanswered }
    }

    /// Questionnaires counted.
    public private(set) var questionnaires = 0
    /// Questionnaires counted by the candidacy's gender.
    public private(set) var questionnairesByGender: [Gender: Int] = [:]
    /// Counts per group, every group present.
    public private(set) var groups: [IdentityGroup: Tally]

    public init() {
        groups = Dictionary(uniqueKeysWithValues: IdentityGroup.allCases.map { ($0, Tally()) })
    }

    /// Counts `answers` of a candidacy of `gender`.
    public mutating func add(_ answers: IdentityQuestionnaire, gender: Gender) {
        questionnaires += 1
        questionnairesByGender[gender, default: 0] += 1
        for group in IdentityGroup.allCases {
            var tally = groups[group] ?? Tally()
            switch answers.membership(in: group) {
            case .yes:
                tally.yes += 1
                tally.yesByGender[gender, default: 0] += 1
            case .no: tally.no += 1
            case .preferNotToAnswer: tally.preferNotToAnswer += 1
            case nil: tally.unanswered += 1
            }
            groups[group] = tally
        }
    }

    /// Sí to `group` among candidacies of `gender`, or nil when fewer than
    /// `IdentityStatistics.minimumRowSize` of them answered (the public statistics' rule: with
    /// two or three people a count would tell who answered what).
    public func yes(_ group: IdentityGroup, gender: Gender) -> Int? {
        guard (questionnairesByGender[gender] ?? 0) >= IdentityStatistics.minimumRowSize else { return nil }
        return self[group].yesByGender[gender] ?? 0
    }

    /// The counts of `group`.
    public subscript(group: IdentityGroup) -> Tally { groups[group] ?? Tally() }
}
